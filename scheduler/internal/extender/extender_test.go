package extender_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

type fixture struct {
	s      *extender.Scheduler
	index  *usage.Index
	binder *binder
	pods   *pods
	leader bool
}

// newFixture has node-a with two 10000 MiB GPUs, node-b with one 2048 MiB
// GPU, and node-c with no inventory; filter keeps the best nodes.
func newFixture(t *testing.T, ps ...*corev1.Pod) *fixture {
	t.Helper()
	return newFixtureOf(t, extender.BestNodes, []*device.NodeInventory{devicetest.Node("node-a", 2, 10000), devicetest.Node("node-b", 1, 2048)}, ps...)
}

// newWeightedFixture is newFixture where filter keeps every node that fits
// and prioritize scores them.
func newWeightedFixture(t *testing.T, ps ...*corev1.Pod) *fixture {
	t.Helper()
	return newFixtureOf(t, extender.WeightedNodes, []*device.NodeInventory{devicetest.Node("node-a", 2, 10000), devicetest.Node("node-b", 1, 2048)}, ps...)
}

func newFixtureOf(t *testing.T, choice extender.NodeChoice, invs []*device.NodeInventory, ps ...*corev1.Pod) *fixture {
	t.Helper()
	f := fleet{}
	for _, inv := range invs {
		f[inv.Key()] = inv
	}
	st, err := settings.Load("")
	require.NoError(t, err)
	fx := &fixture{index: usage.NewIndex(), binder: newBinder(), pods: newPods(ps...), leader: true}
	fx.s, err = extender.New(extender.Deps{
		Fleet: fleetAdapter{f}, Settings: st, Index: fx.index, Pods: fx.pods, Binder: fx.binder,
		IsLeader:   func() bool { return fx.leader },
		Now:        func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
		NodeChoice: choice,
	})
	require.NoError(t, err)
	return fx
}

type fleetAdapter struct{ f fleet }

func (a fleetAdapter) View() extender.FleetView { return a.f }

func args(pod *corev1.Pod, nodes ...string) *extenderv1.ExtenderArgs {
	return &extenderv1.ExtenderArgs{Pod: pod, NodeNames: &nodes}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pod    *corev1.Pod
		pass   []string
		failed map[string]string
		err    string
	}{
		"a pod asking nothing of ours passes untouched": {
			pod: &corev1.Pod{}, pass: []string{"node-a", "node-b", "node-c"}, failed: map[string]string{},
		},
		"too big for node-b, no inventory on node-c": {
			pod:  gpuPod("p", 3000, 30, nil),
			pass: []string{"node-a"},
			failed: map[string]string{
				"node-b": "GPU-node-b-0 insufficient memory: want 3000 MiB, free 2048 MiB",
				"node-c": "nvidia no inventory",
			},
		},
		"too big for every GPU": {
			pod:  gpuPod("p", 20000, 0, nil),
			pass: []string{},
			failed: map[string]string{
				"node-a": "insufficient memory on 2 devices: want 20000 MiB, at most 10000 MiB free",
				"node-b": "GPU-node-b-0 insufficient memory: want 20000 MiB, free 2048 MiB",
				"node-c": "nvidia no inventory",
			},
		},
		"model filter": {
			pod:  gpuPod("p", 100, 0, map[string]string{"nvidia.com/use-gputype": "A100"}),
			pass: []string{},
			failed: map[string]string{
				"node-a": "model not in use-type list on 2 devices",
				"node-b": "GPU-node-b-0 model not in use-type list",
				"node-c": "nvidia no inventory",
			},
		},
		"uuid filter": {
			pod:    gpuPod("p", 100, 0, map[string]string{"nvidia.com/use-gpuuuid": "GPU-node-b-0"}),
			pass:   []string{"node-b"},
			failed: map[string]string{"node-a": "uuid not in use-uuid list on 2 devices", "node-c": "nvidia no inventory"},
		},
		"an invalid request is an error": {
			pod: gpuPod("p", 100, 120, nil),
			err: "hami: spec.containers[0].resources.limits[nvidia.com/gpucores]: Invalid value: 120",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			res := fx.s.Filter(context.Background(), args(tc.pod, "node-a", "node-b", "node-c"))
			if tc.err != "" {
				require.Contains(t, res.Error, tc.err)
				return
			}
			require.Empty(t, res.Error)
			require.Equal(t, tc.pass, *res.NodeNames)
			require.Equal(t, extenderv1.FailedNodesMap(tc.failed), res.FailedNodes)
		})
	}
}

func TestFilterAnswersInTheFormAsked(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	nodes := &corev1.NodeList{Items: []corev1.Node{{}, {}}}
	nodes.Items[0].Name, nodes.Items[1].Name = "node-a", "node-b"
	res := fx.s.Filter(context.Background(), &extenderv1.ExtenderArgs{Pod: gpuPod("p", 3000, 0, nil), Nodes: nodes})
	require.Len(t, res.Nodes.Items, 1)
	require.Equal(t, "node-a", res.Nodes.Items[0].Name)
}

// Under BestNodes, filter passes only the nodes the node policy scores
// highest; the other nodes the pod fits on are neither passed nor failed,
// and ties are left to kube-scheduler. Under WeightedNodes every node that
// fits passes.
func TestFilterKeepsTheBestNodes(t *testing.T) {
	t.Parallel()
	// node-b (one 2048 MiB GPU) is fuller after placing 1000 MiB than
	// node-a (two of 10000 MiB); node-a2 is node-a's twin.
	invs := []*device.NodeInventory{devicetest.Node("node-a", 2, 10000), devicetest.Node("node-a2", 2, 10000), devicetest.Node("node-b", 1, 2048)}
	nodes := []string{"node-a", "node-a2", "node-b", "node-c"}
	tests := map[string]struct {
		choice extender.NodeChoice
		policy string
		pass   []string
	}{
		"best, binpack":     {choice: extender.BestNodes, policy: "binpack", pass: []string{"node-b"}},
		"best, spread":      {choice: extender.BestNodes, policy: "spread", pass: []string{"node-a", "node-a2"}},
		"weighted, binpack": {choice: extender.WeightedNodes, policy: "binpack", pass: []string{"node-a", "node-a2", "node-b"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := newFixtureOf(t, tc.choice, invs)
			pod := gpuPod("p", 1000, 10, map[string]string{"hami.io/node-scheduler-policy": tc.policy})
			res := fx.s.Filter(context.Background(), args(pod, nodes...))
			require.Empty(t, res.Error)
			require.Equal(t, tc.pass, *res.NodeNames)
			require.Equal(t, extenderv1.FailedNodesMap{"node-c": "nvidia no inventory"}, res.FailedNodes)
		})
	}
}

func TestNewRejectsAnUnknownNodeChoice(t *testing.T) {
	t.Parallel()
	st, err := settings.Load("")
	require.NoError(t, err)
	_, err = extender.New(extender.Deps{Fleet: fleetAdapter{fleet{}}, Settings: st, Index: usage.NewIndex(),
		Pods: newPods(), Binder: newBinder(), NodeChoice: "first"})
	require.ErrorContains(t, err, `node choice "first"`)
}

func TestPrioritizeFollowsNodePolicy(t *testing.T) {
	t.Parallel()
	busy := gpuPod("busy", 9000, 90, nil)
	fx := newWeightedFixture(t, busy)
	require.Empty(t, fx.s.Bind(context.Background(), bindArgs(busy, "node-a")).Error)

	score := func(policy string) map[string]int64 {
		pod := gpuPod("p", 1000, 10, map[string]string{"hami.io/node-scheduler-policy": policy})
		out := map[string]int64{}
		for _, hp := range *fx.s.Prioritize(context.Background(), args(pod, "node-a", "node-b", "node-c")) {
			require.True(t, hp.Score >= 0 && hp.Score <= extenderv1.MaxExtenderPriority)
			out[hp.Host] = hp.Score
		}
		return out
	}
	// After placing, node-a is 10000/20000 MiB and 100/200 cores used (half
	// full); node-b is 1000/2048 MiB and 10/100 cores (under a third). The
	// best node of the call scores 10, the worst 0; node-c cannot fit. Nodes
	// at 0 are left out of the answer: kube-scheduler counts them as 0.
	bin, spread := score("binpack"), score("spread")
	require.Equal(t, map[string]int64{"node-a": 10}, bin)
	require.Equal(t, map[string]int64{"node-b": 10}, spread)

	// Filter keeps its scores for the pod's prioritize call: the same answer.
	pod := gpuPod("p", 1000, 10, map[string]string{"hami.io/node-scheduler-policy": "binpack"})
	res := fx.s.Filter(context.Background(), args(pod, "node-a", "node-b", "node-c"))
	list := *fx.s.Prioritize(context.Background(), args(pod, *res.NodeNames...))
	require.Equal(t, extenderv1.HostPriorityList{{Host: "node-a", Score: 10}}, list)
}

// kube-scheduler's calls tell whether its configuration matches the node
// choice; a mismatch is said once in the log.
func TestMismatchedPrioritizeVerbIsLoggedOnce(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		weighted   bool
		prioritize bool
		want       string
	}{
		"weighted without prioritize": {weighted: true, want: "has not called prioritize"},
		"weighted with prioritize":    {weighted: true, prioritize: true},
		"best with prioritize":        {prioritize: true, want: "can drop prioritizeVerb"},
		"best without prioritize":     {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			if tc.weighted {
				fx = newWeightedFixture(t)
			}
			var log bytes.Buffer
			ctx := zerolog.New(&log).WithContext(context.Background())
			// The same node sent twice ties with itself: every filter
			// answer leaves kube-scheduler a choice.
			for range 120 {
				pod := gpuPod("p", 1000, 10, nil)
				res := fx.s.Filter(ctx, args(pod, "node-a", "node-a"))
				require.Len(t, *res.NodeNames, 2)
				if tc.prioritize {
					fx.s.Prioritize(ctx, args(pod, *res.NodeNames...))
				}
			}
			if tc.want == "" {
				require.NotContains(t, log.String(), "prioritize")
				return
			}
			require.Equal(t, 1, strings.Count(log.String(), tc.want), log.String())
		})
	}
}
