package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hami-project/hami/common/allocation"
)

// burstShares cycle over the burst's pods: together they ask for 102% of
// the pool's memory and 81% of its compute, so the last pods meet full
// GPUs and some must be refused.
var burstShares = []share{
	{count: 1, memMiB: 8000, cores: 30},
	{count: 2, memMiB: 6000, cores: 20},
	{count: 1, memMiB: 4000, cores: 10},
	{count: 1, memMiB: 16000, cores: 50},
}

// testBurst: 200 pods created at once onto 20 nodes x 4 GPUs. Once every pod
// runs or is refused, no device holds more memory, compute or tenants than
// it has, by the pods' own annotations, and every pod left Pending really
// fits nowhere.
func testBurst(ctx context.Context, t *testing.T, e *env) {
	ns := e.ns(ctx, t)
	var pods []*corev1.Pod
	for i := range 200 {
		pods = append(pods, gpuPod(ns, fmt.Sprintf("burst-%03d", i), burstShares[i%len(burstShares)], nil))
	}
	start := time.Now()
	require.NoError(t, createPods(ctx, e.client, pods))
	final, l := e.waitSettled(ctx, t, ns)
	running := 0
	for i := range final {
		if final[i].Status.Phase == corev1.PodRunning {
			running++
			require.Equal(t, string(allocation.PhaseSuccess), final[i].Annotations[allocation.AnnotationBindPhase], final[i].Name)
			calls := e.sim.PodAllocations(ns, final[i].Name)
			require.Len(t, calls, 1, "Allocate calls for %s", final[i].Name)
			require.Empty(t, calls[0].Err, final[i].Name)
		}
	}
	t.Logf("burst: %d of %d pods running, the rest refused, settled in %s", running, len(final), time.Since(start).Round(time.Millisecond))
	require.Empty(t, l.overcommitted())
	require.Greater(t, running, 150, "most of the burst fits the pool")
	require.Less(t, running, len(final), "the burst asks for more memory than the pool has")
}

// waitSettled waits until each pod of ns runs, or is Pending with
// kube-scheduler's verdict while the annotations leave no room for it.
func (e *env) waitSettled(ctx context.Context, t *testing.T, ns string) ([]corev1.Pod, *ledger) {
	t.Helper()
	var pods []corev1.Pod
	var l *ledger
	var why string
	err := wait.PollUntilContextTimeout(ctx, time.Second, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		var err error
		if pods, err = listPods(ctx, e.client, ns); err != nil {
			return false, nil //nolint:nilerr // retried until the timeout
		}
		for i := range pods {
			if pods[i].Status.Phase == corev1.PodFailed {
				return false, fmt.Errorf("pod %s failed: %s", pods[i].Name, pods[i].Status.Message)
			}
		}
		if l, err = newLedger(e.spec, e.nodes, pods); err != nil {
			return false, err
		}
		why = unsettled(pods, l)
		return why == "", nil
	})
	require.NoError(t, err, "not settled: %s", why)
	return pods, l
}

// unsettled names a pod still in flight, or "".
func unsettled(pods []corev1.Pod, l *ledger) string {
	for i := range pods {
		pod := &pods[i]
		switch {
		case pod.Status.Phase == corev1.PodRunning:
		case pod.Status.Phase != corev1.PodPending || pod.Spec.NodeName != "":
			return fmt.Sprintf("%s is %s on %q", pod.Name, pod.Status.Phase, pod.Spec.NodeName)
		case schedulingMessage(pod) == string(corev1.PodPending):
			return pod.Name + " not tried yet"
		case l.fits(requested(pod.Spec.Containers[0])):
			return pod.Name + " is refused but fits: " + schedulingMessage(pod)
		}
	}
	return ""
}
