package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/e2e/gpuplugin"
)

// poolSpec is every node of the pool: 4 GPUs of 24 GiB, GPUs 0-1 an A30
// and 2-3 an L4, 10 tenants each; inventories live 5 s, refreshed each
// second.
var poolSpec = gpuplugin.Spec{
	GPUs: 4, MemoryMiB: 24576, SplitCount: 10,
	Models: []string{"NVIDIA A30", "NVIDIA L4"},
	TTL:    5 * time.Second, Heartbeat: time.Second,
}

// scenario is one user-visible behaviour, run on the shared pool.
type scenario struct {
	name string
	run  func(ctx context.Context, t *testing.T, e *env)
	// pluginOnly: the extender front end offers no such thing.
	pluginOnly bool
}

// scenarios run in this order; the ones that disturb the scheduler or a
// node come last.
var scenarios = []scenario{
	{"NodePolicy", testNodePolicy, false},
	{"WeightedNodePolicy", testWeightedNodePolicy, false},
	{"DevicePolicy", testDevicePolicy, false},
	{"Selection", testSelection, false},
	{"Unschedulable", testUnschedulable, false},
	{"Burst", testBurst, false},
	{"Preemption", testPreemption, true},
	{"Restart", testRestart, false},
	{"StaleNode", testStaleNode, false},
}

// TestScheduler starts one cluster per front end (about 20 s here) and runs
// every scenario on 20 simulated nodes of 4 GPUs: first against
// hami-scheduler as kube-scheduler with the plugin compiled in, then
// against kube-scheduler with hami-scheduler as its extender. Both make the
// same decisions. HAMI_E2E_FRONTENDS (e.g. "plugin") runs fewer.
func TestScheduler(t *testing.T) {
	for _, fe := range frontEndsToRun(t) {
		t.Run(string(fe), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
			defer cancel()
			namespaces := make([]string, 0, len(scenarios))
			for _, sc := range scenarios {
				namespaces = append(namespaces, namespaceOf(sc.name))
			}
			e := startEnv(ctx, t, envOptions{nodes: 20, spec: poolSpec, namespaces: namespaces, front: fe})
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					if sc.pluginOnly && fe != pluginFrontEnd {
						t.Skip("the extender front end offers no " + sc.name)
					}
					sc.run(ctx, t, e)
				})
			}
		})
	}
}

// namespaceOf turns a scenario name into its namespace, e.g. "nodepolicy".
func namespaceOf(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return "e2e-" + string(out)
}

// runOneByOne creates the pods one at a time, each once the previous one
// runs, and returns them running.
func runOneByOne(ctx context.Context, t *testing.T, e *env, pods ...*corev1.Pod) []*corev1.Pod {
	t.Helper()
	out := make([]*corev1.Pod, 0, len(pods))
	for _, pod := range pods {
		require.NoError(t, createPods(ctx, e.client, []*corev1.Pod{pod}))
		running, err := waitRunning(ctx, e.client, pod.Namespace, pod.Name)
		require.NoError(t, err)
		out = append(out, running)
	}
	return out
}

// runAll creates the pods at once and returns them running.
func runAll(ctx context.Context, t *testing.T, e *env, pods ...*corev1.Pod) []*corev1.Pod {
	t.Helper()
	require.NoError(t, createPods(ctx, e.client, pods))
	out := make([]*corev1.Pod, 0, len(pods))
	for _, pod := range pods {
		running, err := waitRunning(ctx, e.client, pod.Namespace, pod.Name)
		require.NoError(t, err)
		out = append(out, running)
	}
	return out
}

// devicesOf is the ids of the devices the pod's one container got.
func devicesOf(t *testing.T, pod *corev1.Pod) []string {
	t.Helper()
	a, err := allocationOf(pod)
	require.NoError(t, err)
	require.Len(t, a.Containers, 1)
	var ids []string
	for _, d := range a.Containers[0].Devices {
		ids = append(ids, d.ID)
	}
	return ids
}

// requireHandedOut checks what the node gave the pod: one Allocate call
// answered with the pod's own devices and limits, and bind-phase success.
func requireHandedOut(t *testing.T, e *env, pod *corev1.Pod) {
	t.Helper()
	require.Equal(t, string(allocation.PhaseSuccess), pod.Annotations[allocation.AnnotationBindPhase], "bind-phase of %s", pod.Name)
	calls := e.sim.PodAllocations(pod.Namespace, pod.Name)
	require.Len(t, calls, 1, "Allocate calls for %s", pod.Name)
	require.Empty(t, calls[0].Err)
	env := calls[0].Response.Envs
	a, err := allocationOf(pod)
	require.NoError(t, err)
	dev := a.Containers[0].Devices[0]
	require.Equal(t, pod.Namespace+"/"+pod.Name, env[gpuplugin.PodEnv], "answer meant for another pod")
	require.Equal(t, dev.ID, env[gpuplugin.VisibleDevicesEnv])
	require.Equal(t, requestedMiB(pod), env[gpuplugin.MemoryLimitEnv+"0"])
}

func requestedMiB(pod *corev1.Pod) string {
	q := pod.Spec.Containers[0].Resources.Limits["nvidia.com/gpumem"]
	return fmt.Sprintf("%dm", q.Value())
}
