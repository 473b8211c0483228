package extender_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"

	"github.com/hami-project/hami/common/allocation"
)

func bindArgs(pod *corev1.Pod, node string) *extenderv1.ExtenderBindingArgs {
	return &extenderv1.ExtenderBindingArgs{PodName: pod.Name, PodNamespace: pod.Namespace, PodUID: pod.UID, Node: node}
}

func TestBindWritesTheDecisionAndBooksIt(t *testing.T) {
	t.Parallel()
	p1 := gpuPod("p1", 6000, 30, map[string]string{"hami.io/gpu-scheduler-policy": "binpack"})
	p2 := gpuPod("p2", 6000, 30, map[string]string{"hami.io/gpu-scheduler-policy": "binpack"})
	p3 := gpuPod("p3", 6000, 30, nil)
	fx := newFixture(t, p1, p2, p3)
	ctx := context.Background()

	require.Empty(t, fx.s.Bind(ctx, bindArgs(p1, "node-a")).Error)
	b := fx.binder.bound["p1"]
	require.Equal(t, "node-a", b.node)
	require.Equal(t, []allocation.Device{{Vendor: "nvidia", ID: "GPU-node-a-0", Index: 0, MemoryMiB: 6000, Cores: 30, Mode: "hami-core"}}, b.a.Containers[0].Devices)
	require.Equal(t, 1, fx.index.Len())

	require.Empty(t, fx.s.Bind(ctx, bindArgs(p2, "node-a")).Error)
	require.Equal(t, "GPU-node-a-1", fx.binder.bound["p2"].a.Containers[0].Devices[0].ID, "GPU 0 has only 4000 MiB left")

	res := fx.s.Bind(ctx, bindArgs(p3, "node-a"))
	require.Contains(t, res.Error, "node-a: insufficient memory on 2 devices: want 6000 MiB, at most 4000 MiB free")
	require.Equal(t, 2, fx.index.Len())
}

func TestBindRefusals(t *testing.T) {
	t.Parallel()
	pod := gpuPod("p", 1000, 10, nil)
	tests := map[string]struct {
		setup func(*fixture)
		args  *extenderv1.ExtenderBindingArgs
		want  string
	}{
		"not the leader": {func(f *fixture) { f.leader = false }, bindArgs(pod, "node-a"), "not the leader"},
		"pod replaced":   {nil, &extenderv1.ExtenderBindingArgs{PodName: "p", PodNamespace: "default", PodUID: "other", Node: "node-a"}, "pod changed since it was scheduled"},
		"pod gone":       {nil, &extenderv1.ExtenderBindingArgs{PodName: "gone", PodNamespace: "default", Node: "node-a"}, "get pod"},
		"api failure":    {func(f *fixture) { f.binder.err = errAPI }, bindArgs(pod, "node-a"), "api server unavailable"},
		"stale node":     {nil, bindArgs(pod, "node-c"), "node-c: nvidia no inventory"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t, pod)
			if tc.setup != nil {
				tc.setup(fx)
			}
			res := fx.s.Bind(context.Background(), tc.args)
			require.Contains(t, res.Error, tc.want)
			require.Equal(t, 0, fx.index.Len(), "a refused bind books nothing")
		})
	}
}

func TestRetriedPodDoesNotCompeteWithItsOwnBooking(t *testing.T) {
	t.Parallel()
	pod := gpuPod("p", 9000, 10, nil)
	fx := newFixture(t, pod)
	ctx := context.Background()
	require.Empty(t, fx.s.Bind(ctx, bindArgs(pod, "node-a")).Error)
	// The same pod comes back (its binding was lost): with its own 9000 MiB
	// not counted, both GPUs of node-a still fit it.
	res := fx.s.Filter(ctx, args(pod, "node-a"))
	require.Equal(t, []string{"node-a"}, *res.NodeNames)
	require.Empty(t, fx.s.Bind(ctx, bindArgs(pod, "node-a")).Error)
	require.Equal(t, 1, fx.index.Len())
}

func TestBindPlainPod(t *testing.T) {
	t.Parallel()
	pod := &corev1.Pod{}
	pod.Name, pod.Namespace = "plain", "default"
	fx := newFixture(t, pod)
	require.Empty(t, fx.s.Bind(context.Background(), bindArgs(pod, "node-c")).Error)
	require.Equal(t, "node-c", fx.binder.bound["plain"].node)
	require.Nil(t, fx.binder.bound["plain"].a)
}
