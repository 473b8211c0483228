package scheduler_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// testUnschedulable: a pod no node can hold stays Pending, and
// `kubectl describe pod` says why in the extender's words, one reason for
// all 20 nodes (the reason names no node or device, so kube-scheduler
// counts it once per node instead of listing 20 lines).
func testUnschedulable(ctx context.Context, t *testing.T, e *env) {
	tests := map[string]struct {
		share share
		want  string
	}{
		"more memory than any GPU has": {
			share: share{count: 1, memMiB: 30000}, want: "0/20 nodes are available: 20 insufficient memory on 4 devices: want 30000 MiB, at most 24576 MiB free"},
		"more GPUs than any node has": {
			share: share{count: 5, memMiB: 1000}, want: "0/20 nodes are available: 20 nvidia too few fitting devices: want 5, 4 fit"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ns := e.ns(ctx, t)
			pod := gpuPod(ns, "too-big", tc.share, nil)
			require.NoError(t, createPods(ctx, e.client, []*corev1.Pod{pod}))
			msg, err := waitFailedScheduling(ctx, e.client, ns, pod.Name, tc.want)
			require.NoError(t, err)
			t.Logf("FailedScheduling: %.300s", msg)
			got, err := e.client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
			require.NoError(t, err)
			require.Empty(t, got.Spec.NodeName, "bound although nothing fits")
			require.Contains(t, schedulingMessage(got), tc.want, "the pod's PodScheduled condition")
		})
	}
}
