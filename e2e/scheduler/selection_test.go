package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/e2e/gpuplugin"
)

// testSelection: the model and uuid annotations, and device health, narrow
// the GPUs a pod may get. Four pods of each case are created at once.
func testSelection(ctx context.Context, t *testing.T, e *env) {
	uuid := func(node, i int) string { return gpuplugin.UUID(e.nodes[node], i) }
	tests := map[string]struct {
		ann     map[string]string
		node    string               // pin the pods here when set
		setup   func(t *testing.T)   // e.g. turn GPUs unhealthy
		allowed func(id string) bool // the devices the pods may get
	}{
		"use-gputype": {
			ann:     map[string]string{"nvidia.com/use-gputype": "L4"},
			allowed: e.isModel("NVIDIA L4"),
		},
		"nouse-gputype": {
			ann:     map[string]string{"nvidia.com/nouse-gputype": "A30"},
			allowed: e.isModel("NVIDIA L4"),
		},
		"use-gpuuuid": {
			ann:     map[string]string{"nvidia.com/use-gpuuuid": uuid(3, 1)},
			allowed: func(id string) bool { return id == uuid(3, 1) },
		},
		"nouse-gpuuuid": {
			ann:     map[string]string{"nvidia.com/nouse-gpuuuid": strings.Join([]string{uuid(5, 0), uuid(5, 1), uuid(5, 2)}, ",")},
			node:    e.nodes[5],
			allowed: func(id string) bool { return id == uuid(5, 3) },
		},
		"unhealthy-gpus": {
			node:    e.nodes[6],
			setup:   func(t *testing.T) { e.setUnhealthy(ctx, t, e.nodes[6], 0, 1, 3) },
			allowed: func(id string) bool { return id == uuid(6, 2) },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ns := e.ns(ctx, t)
			if tc.setup != nil {
				tc.setup(t)
			}
			var pods []*corev1.Pod
			for i := range 4 {
				pod := gpuPod(ns, fmt.Sprintf("%s-%d", name, i), share{count: 1, memMiB: 4000, cores: 20}, tc.ann)
				if tc.node != "" {
					onNode(pod, tc.node)
				}
				pods = append(pods, pod)
			}
			for _, pod := range runAll(ctx, t, e, pods...) {
				id := devicesOf(t, pod)[0]
				require.True(t, tc.allowed(id), "pod %s got %s", pod.Name, id)
			}
		})
	}
}

// isModel says whether a device id of the pool is of the model.
func (e *env) isModel(model string) func(id string) bool {
	return func(id string) bool {
		for _, node := range e.nodes {
			if i, ok := deviceIndex(node, id); ok {
				return e.spec.Model(i) == model
			}
		}
		return false
	}
}

// setUnhealthy turns GPUs of a node unhealthy until the test ends and waits
// until the scheduler no longer counts them.
func (e *env) setUnhealthy(ctx context.Context, t *testing.T, node string, gpus ...int) {
	t.Helper()
	p := e.plugin(t, node)
	for _, i := range gpus {
		require.NoError(t, p.SetHealthy(ctx, i, false))
		t.Cleanup(func() { require.NoError(t, p.SetHealthy(ctx, i, true)) })
	}
	for _, i := range gpus {
		probe := gpuPod("default", "probe", share{count: 1}, map[string]string{"nvidia.com/use-gpuuuid": gpuplugin.UUID(node, i)})
		e.hami.waitFilterReason(ctx, t, probe, node, "unhealthy")
	}
}
