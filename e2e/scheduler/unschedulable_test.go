package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
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
			// kube-scheduler writes the event and the pod's PodScheduled
			// condition separately (v1.37 sends status updates on their own
			// queue): the condition may follow the event by a moment.
			var got *corev1.Pod
			err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
				got, err = e.client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
				return err == nil && strings.Contains(schedulingMessage(got), tc.want), nil
			})
			require.NoError(t, err, "the pod's PodScheduled condition: %q", schedulingMessage(got))
			require.Empty(t, got.Spec.NodeName, "bound although nothing fits")
		})
	}
}
