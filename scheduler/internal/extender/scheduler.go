package extender

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// Fleet is the device inventory of the cluster.
type Fleet interface {
	// View returns a consistent view judged fresh at one instant; one call
	// serves a whole filter over thousands of nodes.
	View() FleetView
}

// FleetView answers for one instant.
type FleetView interface {
	// Get returns vendor's inventory on node, if fresh.
	Get(vendor, node string) (*device.NodeInventory, bool)
}

// Pods finds the pod a bind call is for.
type Pods interface {
	Pod(ctx context.Context, namespace, name string) (*corev1.Pod, error)
}

// Binder writes a decision on a pod and binds it to its node.
type Binder interface {
	// Bind binds pod to node, writing a first when it is not nil.
	Bind(ctx context.Context, pod *corev1.Pod, node string, a *allocation.Allocation, at time.Time) error
}

// Settings gives the settings in force.
type Settings interface {
	Current() *settings.Settings
}

// callCounts tell whether kube-scheduler's configuration matches the node
// choice: how many filter answers left it a choice of nodes, and how many
// prioritize calls came.
type callCounts struct {
	choices     atomic.Int64
	prioritized atomic.Int64
	told        atomic.Bool
}

// configCheckAfter is how many filter answers that leave a choice of nodes
// are seen before the prioritize calls are compared with the node choice.
const configCheckAfter = 50

// checkPrioritizeVerb is called for each filter answer that leaves
// kube-scheduler a choice of nodes. Once enough were, it says (once) when
// the prioritize calls do not match the node choice: under WeightedNodes
// without any, the node policy is not applied at all; under BestNodes they
// only add a call per pod.
func (s *Scheduler) checkPrioritizeVerb(ctx context.Context) {
	if s.calls.choices.Add(1) < configCheckAfter || s.calls.told.Load() {
		return
	}
	prioritized := s.calls.prioritized.Load()
	switch {
	case !s.keepBest && prioritized == 0:
		if s.calls.told.CompareAndSwap(false, true) {
			zerolog.Ctx(ctx).Warn().Msg("--node-choice=weighted, but kube-scheduler has not called prioritize: " +
				"the node policy is not applied; add prioritizeVerb to the extender's configuration, or use --node-choice=best")
		}
	case s.keepBest && prioritized > 0:
		if s.calls.told.CompareAndSwap(false, true) {
			zerolog.Ctx(ctx).Info().Msg("--node-choice=best: filter already applies the node policy, " +
				"so kube-scheduler's prioritize calls only add a round trip; the extender's configuration can drop prioritizeVerb")
		}
	}
}

// Errors a bind call may return.
var (
	ErrNotLeader = errors.New("not the leader: only the leader binds")
	ErrNotReady  = errors.New("not ready")
	ErrPodMoved  = errors.New("pod changed since it was scheduled")
)

// NodeChoice says who chooses among the nodes a pod fits on.
type NodeChoice string

const (
	// BestNodes: filter keeps only the nodes the pod's node policy scores
	// highest, and kube-scheduler's own scores choose among those. The
	// policy decides, whatever kube-scheduler's score plugins prefer, and
	// kube-scheduler calls the extender once per pod before bind:
	// prioritize is not needed.
	BestNodes NodeChoice = "best"
	// WeightedNodes: filter keeps every node the pod fits on, and
	// prioritize scores them; kube-scheduler adds those scores, times the
	// extender's weight, to its own. Its score plugins (least allocated
	// CPU and memory, say) can then outweigh the node policy.
	WeightedNodes NodeChoice = "weighted"
)

// NodeChoices lists the valid NodeChoice values.
var NodeChoices = []NodeChoice{BestNodes, WeightedNodes}

// Scheduler makes the decisions. Filter and prioritize only read; bind's
// choose-and-book is serialised so that two decisions never book the same
// capacity.
type Scheduler struct {
	fleet    Fleet
	settings Settings
	index    *usage.Index
	pods     Pods
	binder   Binder
	leader   func() bool
	ready    func() error
	now      func() time.Time
	metrics  *Metrics
	scores   *scoreCache
	keepBest bool // NodeChoice is BestNodes
	calls    callCounts

	bindMu sync.Mutex // serialises choose-and-book
}

// Deps are what a Scheduler is built from.
type Deps struct {
	Fleet    Fleet
	Settings Settings
	Index    *usage.Index
	Pods     Pods
	Binder   Binder
	// IsLeader reports leadership; nil means always leader.
	IsLeader func() bool
	// Ready says why the pod index or the fleet is not synced yet; nil
	// means always ready. Until then filter and bind refuse with an error:
	// an empty index would let bind hand out capacity that is taken, and
	// kube-scheduler retries an error after its backoff, whereas a node
	// rejected for "no inventory" can leave the pod parked for minutes.
	Ready func() error
	// Now is the clock; nil means time.Now.
	Now     func() time.Time
	Metrics *Metrics
	// NodeChoice is who chooses among the nodes a pod fits on; empty means
	// BestNodes.
	NodeChoice NodeChoice
}

// New builds a Scheduler.
func New(d Deps) (*Scheduler, error) {
	if d.Fleet == nil || d.Settings == nil || d.Index == nil || d.Pods == nil || d.Binder == nil {
		return nil, errors.New("extender: fleet, settings, index, pods and binder are required")
	}
	switch d.NodeChoice {
	case "":
		d.NodeChoice = BestNodes
	case BestNodes, WeightedNodes:
	default:
		return nil, fmt.Errorf("extender: node choice %q: want one of %v", d.NodeChoice, NodeChoices)
	}
	s := &Scheduler{fleet: d.Fleet, settings: d.Settings, index: d.Index, pods: d.Pods,
		binder: d.Binder, leader: d.IsLeader, ready: d.Ready, now: d.Now, metrics: d.Metrics, scores: newScoreCache(),
		keepBest: d.NodeChoice == BestNodes}
	if s.leader == nil {
		s.leader = func() bool { return true }
	}
	if s.ready == nil {
		s.ready = func() error { return nil }
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.metrics == nil {
		s.metrics = NewMetrics(nil)
	}
	return s, nil
}

// notReady wraps the reason the scheduler is not ready, nil when it is.
func (s *Scheduler) notReady() error {
	if err := s.ready(); err != nil {
		return fmt.Errorf("%w: %w", ErrNotReady, err)
	}
	return nil
}

func podKey(pod *corev1.Pod) string { return pod.Namespace + "/" + pod.Name }

func sameUID(want types.UID, pod *corev1.Pod) error {
	if want != "" && pod.UID != want {
		return fmt.Errorf("%w: uid %s, now %s", ErrPodMoved, want, pod.UID)
	}
	return nil
}
