package scheduler_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// testNodePolicy: four pods one after the other land on one node under
// binpack and on four nodes under spread. hami-scheduler keeps only the
// best nodes, and kube-scheduler's own scores, which prefer the least
// allocated node, are on: the policy holds against them.
func testNodePolicy(ctx context.Context, t *testing.T, e *env) {
	runNodePolicy(ctx, t, e)
}

// testWeightedNodePolicy is testNodePolicy with --node-choice=weighted:
// filter keeps every node that fits, and kube-scheduler places by
// prioritize's scores (its own that would outweigh them turned off).
func testWeightedNodePolicy(ctx context.Context, t *testing.T, e *env) {
	e.useNodeChoice(ctx, t, weighted)
	defer e.useNodeChoice(ctx, t, best)
	runNodePolicy(ctx, t, e)
}

func runNodePolicy(ctx context.Context, t *testing.T, e *env) {
	tests := map[string]struct {
		policy string
		nodes  int
	}{
		"binpack": {policy: "binpack", nodes: 1},
		"spread":  {policy: "spread", nodes: 4},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ns := e.ns(ctx, t)
			var pods []*corev1.Pod
			for i := range 4 {
				pods = append(pods, gpuPod(ns, fmt.Sprintf("%s-%d", name, i), share{count: 1, memMiB: 12000, cores: 50},
					map[string]string{"hami.io/node-scheduler-policy": tc.policy}))
			}
			nodes := map[string]bool{}
			for _, pod := range runOneByOne(ctx, t, e, pods...) {
				nodes[pod.Spec.NodeName] = true
				requireHandedOut(t, e, pod)
			}
			require.Len(t, nodes, tc.nodes, "nodes used: %v", nodes)
		})
	}
}

// testDevicePolicy: three pods pinned to one node share one GPU under
// binpack and get three GPUs under spread.
func testDevicePolicy(ctx context.Context, t *testing.T, e *env) {
	tests := map[string]struct {
		policy  string
		devices int
	}{
		"binpack": {policy: "binpack", devices: 1},
		"spread":  {policy: "spread", devices: 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ns := e.ns(ctx, t)
			var pods []*corev1.Pod
			for i := range 3 {
				pods = append(pods, onNode(gpuPod(ns, fmt.Sprintf("%s-%d", name, i), share{count: 1, memMiB: 6000, cores: 25},
					map[string]string{"hami.io/gpu-scheduler-policy": tc.policy}), e.nodes[1]))
			}
			devices := map[string]bool{}
			for _, pod := range runOneByOne(ctx, t, e, pods...) {
				devices[devicesOf(t, pod)[0]] = true
				requireHandedOut(t, e, pod)
			}
			require.Len(t, devices, tc.devices, "devices used: %v", devices)
		})
	}
}
