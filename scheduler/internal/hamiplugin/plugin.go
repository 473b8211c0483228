package hamiplugin

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

// Name is the plugin's name in a KubeSchedulerConfiguration.
const Name = "HAMi"

// Decider is the decision code both front ends share (an
// *extender.Scheduler).
type Decider interface {
	// Manages says whether the pod asks for anything of ours.
	Manages(pod *corev1.Pod) bool
	// Parse reads the pod's demand; nil, nil when it asks for nothing of
	// ours; extender.ErrNotReady until the fleet and the pods are synced.
	Parse(pod *corev1.Pod) (*extender.Demand, error)
	// Evaluate fits and scores the pod on a node, counting the pods skip
	// names, and the bound pods kube-scheduler's view (onNode) no longer
	// has, as gone.
	Evaluate(d *extender.Demand, node string, skip func(types.UID) bool, onNode []fwk.PodInfo) (int64, *policy.Unfit)
	// Book chooses and books the pod's devices on the node.
	Book(ctx context.Context, d *extender.Demand, node string) (*allocation.Allocation, error)
	// Release frees the pod's booking.
	Release(uid types.UID)
	// Commit binds the pod with the decision on the Binding.
	Commit(ctx context.Context, pod *corev1.Pod, node string, a *allocation.Allocation) error
}

// NodeChoice says how Score turns the policy's scores into kube-scheduler's.
type NodeChoice = extender.NodeChoice

// Plugin implements the framework's extension points for device shares.
type Plugin struct {
	decider   Decider
	waiting   *Waiting
	best      bool
	readyWait time.Duration
}

// Option changes a Plugin built by New.
type Option func(*Plugin)

// WithReadyWait sets how long PreFilter waits for the fleet and the pods to
// be synced before it gives up on a pod (default 10 s).
func WithReadyWait(d time.Duration) Option { return func(p *Plugin) { p.readyWait = d } }

// Interfaces the plugin implements; the compiler checks them.
var (
	_ fwk.PreFilterPlugin     = (*Plugin)(nil)
	_ fwk.PreFilterExtensions = (*Plugin)(nil)
	_ fwk.FilterPlugin        = (*Plugin)(nil)
	_ fwk.PreScorePlugin      = (*Plugin)(nil)
	_ fwk.ScorePlugin         = (*Plugin)(nil)
	_ fwk.ScoreExtensions     = (*Plugin)(nil)
	_ fwk.ReservePlugin       = (*Plugin)(nil)
	_ fwk.BindPlugin          = (*Plugin)(nil)
	_ fwk.EnqueueExtensions   = (*Plugin)(nil)
	_ fwk.SignPlugin          = (*Plugin)(nil)
)

// New returns the plugin. waiting collects the pods that wait for device
// capacity, to be requeued when some appears. Under extender.BestNodes
// Score gives the nodes the policy rates highest the full score and the
// others none (kube-scheduler's own scores break ties among the best);
// under extender.WeightedNodes it spreads the policy's scores over 0..100.
func New(d Decider, waiting *Waiting, choice NodeChoice, opts ...Option) (*Plugin, error) {
	if d == nil || waiting == nil {
		return nil, errors.New("hamiplugin: a decider and a waiting list are required")
	}
	p := &Plugin{decider: d, waiting: waiting, best: choice != extender.WeightedNodes, readyWait: 10 * time.Second}
	for _, o := range opts {
		o(p)
	}
	return p, nil
}

// Name is the plugin's name.
func (p *Plugin) Name() string { return Name }
