package hamiplugin_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/hamiplugin"
)

// decider is a Decider with fixed answers per node; it records what the
// plugin asked.
type decider struct {
	mu       sync.Mutex
	manages  bool
	parseErr error
	unfit    map[string]*policy.Unfit
	score    map[string]int64
	bookErr  error
	bindErr  error
	skipped  map[string][]types.UID // node -> the probe UIDs skip named
	booked   []string
	released []types.UID
	bound    []string
}

var errAPI = errors.New("api server unavailable")

func (d *decider) Manages(*corev1.Pod) bool { return d.manages }

func (d *decider) Parse(*corev1.Pod) (*extender.Demand, error) {
	if d.parseErr != nil || !d.manages {
		return nil, d.parseErr
	}
	return &extender.Demand{}, nil
}

func (d *decider) Evaluate(_ *extender.Demand, node string, skip func(types.UID) bool, _ []fwk.PodInfo) (int64, *policy.Unfit) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if skip != nil {
		for _, uid := range []types.UID{"victim-1", "victim-2"} {
			if skip(uid) {
				d.skipped[node] = append(d.skipped[node], uid)
			}
		}
	}
	if u := d.unfit[node]; u != nil {
		return 0, u
	}
	return d.score[node], nil
}

func (d *decider) Book(_ context.Context, _ *extender.Demand, node string) (*allocation.Allocation, error) {
	if d.bookErr != nil {
		return nil, d.bookErr
	}
	d.booked = append(d.booked, node)
	return allocation.New(node), nil
}

func (d *decider) Release(uid types.UID) { d.released = append(d.released, uid) }

func (d *decider) Commit(_ context.Context, _ *corev1.Pod, node string, _ *allocation.Allocation) error {
	if d.bindErr != nil {
		return d.bindErr
	}
	d.bound = append(d.bound, node)
	return nil
}

func newDecider() *decider {
	return &decider{manages: true, unfit: map[string]*policy.Unfit{}, score: map[string]int64{}, skipped: map[string][]types.UID{}}
}

func newPlugin(t *testing.T, d *decider, choice extender.NodeChoice) (*hamiplugin.Plugin, *hamiplugin.Waiting) {
	t.Helper()
	w := hamiplugin.NewWaiting()
	p, err := hamiplugin.New(d, w, choice, hamiplugin.WithReadyWait(50*time.Millisecond))
	require.NoError(t, err)
	return p, w
}

func pod(name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name)}}
}

func nodeInfo(name string) fwk.NodeInfo {
	ni := framework.NewNodeInfo()
	ni.SetNode(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}})
	return ni
}

func podInfo(t *testing.T, uid types.UID) fwk.PodInfo {
	t.Helper()
	pi, err := framework.NewPodInfo(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: string(uid), UID: uid}})
	require.NoError(t, err)
	return pi
}

func TestPreFilter(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		manages  bool
		parseErr error
		want     fwk.Code
		waiting  int
	}{
		"a pod of ours is parsed and waits":     {manages: true, want: fwk.Success, waiting: 1},
		"another pod skips the plugin":          {manages: false, want: fwk.Skip},
		"an invalid request fails on all nodes": {manages: true, parseErr: errors.New("bad gpumem"), want: fwk.UnschedulableAndUnresolvable},
		"not ready yet is an error, retried":    {manages: true, parseErr: extender.ErrNotReady, want: fwk.Error},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := newDecider()
			d.manages, d.parseErr = tc.manages, tc.parseErr
			p, w := newPlugin(t, d, extender.BestNodes)
			cs := framework.NewCycleState()
			_, st := p.PreFilter(context.Background(), cs, pod("p"), nil)
			require.Equal(t, tc.want, st.Code(), st.Message())
			require.Equal(t, tc.waiting, w.Len())
			if tc.parseErr != nil {
				require.Contains(t, st.Message(), tc.parseErr.Error())
			}
		})
	}
}

func TestFilterAndScore(t *testing.T) {
	t.Parallel()
	d := newDecider()
	d.unfit["full"] = &policy.Unfit{Vendor: "nvidia", Reasons: []policy.Reason{{Code: policy.InsufficientMemory, Device: "GPU-1", Want: 3000, Have: 2048}}}
	d.unfit["bare"] = &policy.Unfit{Vendor: "nvidia", Code: policy.NoInventory}
	d.score["a"], d.score["b"] = 70, 40
	p, _ := newPlugin(t, d, extender.BestNodes)
	ctx, cs := context.Background(), framework.NewCycleState()
	_, st := p.PreFilter(ctx, cs, pod("p"), nil)
	require.True(t, st.IsSuccess())

	st = p.Filter(ctx, cs, pod("p"), nodeInfo("full"))
	require.Equal(t, fwk.Unschedulable, st.Code())
	require.Contains(t, st.Message(), "GPU-1 insufficient memory: want 3000 MiB, free 2048 MiB")
	st = p.Filter(ctx, cs, pod("p"), nodeInfo("bare"))
	require.Equal(t, fwk.UnschedulableAndUnresolvable, st.Code(), "evicting pods cannot help a node without inventory")
	for _, n := range []string{"a", "b"} {
		require.True(t, p.Filter(ctx, cs, pod("p"), nodeInfo(n)).IsSuccess())
	}
	require.True(t, p.PreScore(ctx, cs, pod("p"), nil).IsSuccess())
	scores := fwk.NodeScoreList{}
	for _, n := range []string{"a", "b"} {
		s, st := p.Score(ctx, cs, pod("p"), nodeInfo(n))
		require.True(t, st.IsSuccess())
		scores = append(scores, fwk.NodeScore{Name: n, Score: s})
	}
	require.Equal(t, fwk.NodeScoreList{{Name: "a", Score: 70}, {Name: "b", Score: 40}}, scores)

	require.Equal(t, fwk.Skip, p.PreScore(ctx, framework.NewCycleState(), pod("other"), nil).Code(), "a pod PreFilter skipped is not scored")
}

func TestNormalizeScore(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		choice   extender.NodeChoice
		in, want []int64
	}{
		"best: the top nodes get all":       {choice: extender.BestNodes, in: []int64{70, 40, 70}, want: []int64{100, 0, 100}},
		"weighted: spread over 0..100":      {choice: extender.WeightedNodes, in: []int64{70, 40, 55}, want: []int64{100, 0, 50}},
		"equal scores carry no preference":  {choice: extender.WeightedNodes, in: []int64{30, 30}, want: []int64{0, 0}},
		"best with equal scores is neutral": {choice: extender.BestNodes, in: []int64{30, 30}, want: []int64{0, 0}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, _ := newPlugin(t, newDecider(), tc.choice)
			list := make(fwk.NodeScoreList, len(tc.in))
			for i, v := range tc.in {
				list[i] = fwk.NodeScore{Name: string(rune('a' + i)), Score: v}
			}
			require.True(t, p.NormalizeScore(context.Background(), nil, nil, list).IsSuccess())
			for i := range list {
				require.Equal(t, tc.want[i], list[i].Score, list[i].Name)
			}
		})
	}
}

// Preemption clones the cycle state per candidate node, takes victims off
// with RemovePod and puts back the ones it spares with AddPod; Filter then
// counts the shares of the pods taken off as free.
func TestPreemptionWhatIf(t *testing.T) {
	t.Parallel()
	d := newDecider()
	p, _ := newPlugin(t, d, extender.BestNodes)
	ctx, cs := context.Background(), framework.NewCycleState()
	_, st := p.PreFilter(ctx, cs, pod("p"), nil)
	require.True(t, st.IsSuccess())

	clone := cs.Clone()
	require.True(t, p.RemovePod(ctx, clone, pod("p"), podInfo(t, "victim-1"), nodeInfo("a")).IsSuccess())
	require.True(t, p.RemovePod(ctx, clone, pod("p"), podInfo(t, "victim-2"), nodeInfo("a")).IsSuccess())
	require.True(t, p.AddPod(ctx, clone, pod("p"), podInfo(t, "victim-2"), nodeInfo("a")).IsSuccess())
	require.True(t, p.Filter(ctx, clone, pod("p"), nodeInfo("a")).IsSuccess())
	require.True(t, p.Filter(ctx, cs, pod("p"), nodeInfo("a")).IsSuccess())
	require.True(t, p.Filter(ctx, clone, pod("p"), nodeInfo("b")).IsSuccess())
	require.Equal(t, map[string][]types.UID{"a": {"victim-1"}}, d.skipped,
		"only the clone, only on its node, only the victim not put back")

	none := framework.NewCycleState()
	require.True(t, p.RemovePod(ctx, none, pod("x"), podInfo(t, "victim-1"), nodeInfo("a")).IsSuccess(), "a pod not ours has no state")
}

func TestReserveBind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("booked and bound with the decision", func(t *testing.T) {
		t.Parallel()
		d := newDecider()
		p, w := newPlugin(t, d, extender.BestNodes)
		cs := framework.NewCycleState()
		_, _ = p.PreFilter(ctx, cs, pod("p"), nil)
		require.True(t, p.Reserve(ctx, cs, pod("p"), "a").IsSuccess())
		require.Zero(t, w.Len(), "a placed pod no longer waits")
		require.True(t, p.Bind(ctx, cs, pod("p"), "a").IsSuccess())
		require.Equal(t, []string{"a"}, d.booked)
		require.Equal(t, []string{"a"}, d.bound)
	})
	t.Run("unreserve releases", func(t *testing.T) {
		t.Parallel()
		d := newDecider()
		p, _ := newPlugin(t, d, extender.BestNodes)
		cs := framework.NewCycleState()
		_, _ = p.PreFilter(ctx, cs, pod("p"), nil)
		require.True(t, p.Reserve(ctx, cs, pod("p"), "a").IsSuccess())
		p.Unreserve(ctx, cs, pod("p"), "a")
		p.Unreserve(ctx, cs, pod("p"), "a")
		require.Equal(t, []types.UID{"uid-p"}, d.released, "once")
	})
	t.Run("a failed booking is unschedulable", func(t *testing.T) {
		t.Parallel()
		d := newDecider()
		d.bookErr = errors.New("node-a: insufficient memory")
		p, _ := newPlugin(t, d, extender.BestNodes)
		cs := framework.NewCycleState()
		_, _ = p.PreFilter(ctx, cs, pod("p"), nil)
		st := p.Reserve(ctx, cs, pod("p"), "a")
		require.Equal(t, fwk.Unschedulable, st.Code())
		require.Contains(t, st.Message(), "insufficient memory")
	})
	t.Run("a failed bind is an error", func(t *testing.T) {
		t.Parallel()
		d := newDecider()
		d.bindErr = errAPI
		p, _ := newPlugin(t, d, extender.BestNodes)
		cs := framework.NewCycleState()
		_, _ = p.PreFilter(ctx, cs, pod("p"), nil)
		require.True(t, p.Reserve(ctx, cs, pod("p"), "a").IsSuccess())
		require.Equal(t, fwk.Error, p.Bind(ctx, cs, pod("p"), "a").Code())
	})
	t.Run("other pods go to the next binder", func(t *testing.T) {
		t.Parallel()
		d := newDecider()
		d.manages = false
		p, _ := newPlugin(t, d, extender.BestNodes)
		cs := framework.NewCycleState()
		_, _ = p.PreFilter(ctx, cs, pod("p"), nil)
		require.True(t, p.Reserve(ctx, cs, pod("p"), "a").IsSuccess())
		require.Equal(t, fwk.Skip, p.Bind(ctx, cs, pod("p"), "a").Code())
		require.Empty(t, d.booked)
	})
}

func TestSignPodKeepsOurPodsOutOfBatches(t *testing.T) {
	t.Parallel()
	d := newDecider()
	p, _ := newPlugin(t, d, extender.BestNodes)
	_, st := p.SignPod(context.Background(), pod("p"))
	require.Equal(t, fwk.Unschedulable, st.Code(), "our pods are not batchable")
	d.manages = false
	frags, st := p.SignPod(context.Background(), pod("q"))
	require.True(t, st.IsSuccess(), "other pods stay batchable")
	require.Empty(t, frags)
}

func TestNewNeedsADeciderAndAWaitingList(t *testing.T) {
	t.Parallel()
	_, err := hamiplugin.New(nil, hamiplugin.NewWaiting(), extender.BestNodes)
	require.Error(t, err)
	p, err := hamiplugin.New(newDecider(), hamiplugin.NewWaiting(), extender.BestNodes)
	require.NoError(t, err)
	require.Equal(t, hamiplugin.Name, p.Name())
}
