package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// testStaleNode: a node whose plugin stops refreshing its inventory is left
// out once the TTL passes: pods spread over the pool skip it, and a pod that
// may only go there stays Pending with the reason.
func testStaleNode(ctx context.Context, t *testing.T, e *env) {
	ns := e.ns(ctx, t)
	// The scenario before restarts the scheduler (and its NATS server):
	// start from a fleet whose every plugin has published to the new one.
	e.waitFleetFresh(ctx, t)
	stale := e.nodes[0]
	pub := e.plugin(t, stale).Publisher()
	pub.Pause()
	t.Cleanup(func() {
		pub.Resume()
		e.waitFleetFresh(ctx, t)
	})
	e.waitStale(ctx, t, 1)
	// The scheduler's own placement says the node is out before any pod
	// may choose among the rest.
	pinned := onNode(gpuPod(ns, "pinned", share{count: 1, memMiB: 1000}, nil), stale)
	require.NoError(t, createPods(ctx, e.client, []*corev1.Pod{pinned}))
	_, err := waitFailedScheduling(ctx, e.client, ns, pinned.Name, "nvidia no inventory")
	require.NoError(t, err)

	var pods []*corev1.Pod
	for i := range len(e.nodes) - 1 {
		// Half a GPU: small shares round to the same score on every node
		// (the extender's scores are 0..10).
		pods = append(pods, gpuPod(ns, fmt.Sprintf("spread-%02d", i), share{count: 1, memMiB: 12000, cores: 50},
			map[string]string{"hami.io/node-scheduler-policy": "spread"}))
	}
	used := map[string]int{}
	for _, pod := range runOneByOne(ctx, t, e, pods...) {
		used[pod.Spec.NodeName]++
	}
	require.Zero(t, used[stale], "pods placed on the stale node")
	require.Len(t, used, len(e.nodes)-1, "one pod on each fresh node: %v", used)
}

// waitStale waits until the scheduler counts n stale inventories.
func (e *env) waitStale(ctx context.Context, t *testing.T, n float64) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		stale, err := e.hami.metric(ctx, "hami_inventory_stale")
		return err == nil && stale == n, nil
	})
	require.NoError(t, err, "scheduler never counted %v stale inventories", n)
}
