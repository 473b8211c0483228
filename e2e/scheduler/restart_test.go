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

// testRestart: hami-scheduler is killed (SIGKILL, its NATS server with it)
// while 160 pods are being placed, each asking for half a GPU, and started
// again on the same store. The pods fill the pool exactly, so a share
// booked twice or lost would leave a device overcommitted or a pod
// Pending: in the end every pod runs and every GPU holds exactly two.
func testRestart(ctx context.Context, t *testing.T, e *env) {
	ns := e.ns(ctx, t)
	half := share{count: 1, memMiB: memoryMiB(e.spec) / 2, cores: 50}
	total := len(e.nodes) * gpuCount(e.spec) * 2
	var pods []*corev1.Pod
	for i := range total {
		pods = append(pods, gpuPod(ns, fmt.Sprintf("restart-%03d", i), half, nil))
	}
	created := make(chan error, 1)
	go func() { created <- createPods(ctx, e.client, pods) }()

	start := time.Now()
	e.waitRunningCount(ctx, t, ns, total/4)
	e.hami.crash(t)
	crashedAt := time.Since(start)
	require.NoError(t, e.hami.start(ctx), "restart hami-scheduler")
	require.NoError(t, <-created)

	final, l := e.waitSettled(ctx, t, ns)
	t.Logf("restart: killed at %s, all %d pods settled after %s", crashedAt.Round(time.Millisecond), total, time.Since(start).Round(time.Millisecond))
	for i := range final {
		require.Equal(t, corev1.PodRunning, final[i].Status.Phase, "%s: %s", final[i].Name, schedulingMessage(&final[i]))
		require.Len(t, e.sim.PodAllocations(ns, final[i].Name), 1, "Allocate calls for %s", final[i].Name)
	}
	require.Empty(t, l.overcommitted())
	for id, u := range l.devices {
		require.EqualValues(t, 2, u.tenants, "tenants of %s", id)
	}
}

// waitRunningCount waits until at least n pods of ns run.
func (e *env) waitRunningCount(ctx context.Context, t *testing.T, ns string, n int) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		pods, err := listPods(ctx, e.client, ns)
		if err != nil {
			return false, nil //nolint:nilerr // retried until the timeout
		}
		running := 0
		for i := range pods {
			if pods[i].Status.Phase == corev1.PodRunning {
				running++
			}
		}
		return running >= n, nil
	})
	require.NoError(t, err, "fewer than %d pods of %s running", n, ns)
}
