package plugin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
)

// ErrNoPendingPod means no pod on the node is waiting for devices of the
// call's shape: the kubelet asked for something the scheduler did not decide.
var ErrNoPendingPod = errors.New("no pod on this node is waiting for these devices")

// Pending is one container whose devices the scheduler chose and that the
// kubelet has not asked for yet.
type Pending struct {
	Pod        *corev1.Pod
	Allocation *allocation.Allocation
	Container  string
	// Devices are the container's devices of this vendor, in the
	// scheduler's order (the container's device order).
	Devices  []allocation.Device
	BindTime time.Time
	// position is the container's place among the pod's containers that
	// have devices of this vendor; the kubelet asks in that order.
	position int
}

// Name is namespace/name/container, for logs and messages.
func (p *Pending) Name() string { return p.Pod.Namespace + "/" + p.Pod.Name + "/" + p.Container }

// Assigner finds which container an Allocate call is for.
//
// The device-plugin API does not name the pod. What makes the answer
// reliable:
//   - The kubelet admits pods one at a time per node, and during one pod's
//     admission it calls GetPreferredAllocation and then Allocate for each of
//     its containers in order, for one resource at a time. So between a
//     GetPreferredAllocation and the next Allocate there is no other pod.
//   - GetPreferredAllocation steers the kubelet: it picks the most likely
//     waiting container of that size, returns virtual devices on exactly the
//     GPUs the scheduler chose for it, and remembers that id set. An Allocate
//     with that id set is that container (tier 0).
//   - Otherwise (a kubelet that skips the preference, or picked other ids)
//     a container whose chosen GPUs are exactly the physical GPUs of the call
//     wins (tier 1); two pods on the same GPUs with the same count are the
//     only ambiguous case left, and they are told apart by the order below.
//   - Last, any waiting container of the same device count (tier 2): the
//     answer then follows the scheduler's GPUs, not the kubelet's ids.
//
// Within a tier: a pod whose admission has started (some container already
// answered) first; then the oldest pod (creation time), because the kubelet
// admits each batch of new pods sorted by creation time, and pods that
// arrived in earlier batches were admitted (and left this list) before;
// then the oldest bind time, the name and the container order. Answered
// containers are kept in a Ledger (memory and checkpoint file) so none is
// answered twice, even across plugin restarts.
type Assigner struct {
	vendor string
	node   string
	pods   Pods
	ledger *Ledger

	// mu serialises assignments (the kubelet does too) and guards steered.
	mu sync.Mutex
	// steered maps the sorted ids a preference returned to the container it
	// was made for.
	steered map[string]steerTarget
}

type steerTarget struct {
	uid       types.UID
	container string
}

// NewAssigner returns an Assigner for one vendor on one node.
func NewAssigner(vendor, node string, pods Pods, ledger *Ledger) *Assigner {
	return &Assigner{vendor: vendor, node: node, pods: pods, ledger: ledger, steered: map[string]steerTarget{}}
}

// Answer produces the kubelet's response for one matched container.
type Answer func(ctx context.Context, p *Pending) (*pluginapi.ContainerAllocateResponse, error)

// Allocate finds the container the call with ids is for, answers it with
// answer and records the outcome: the container is marked served, the pod's
// bind phase becomes success once all its containers are served, or failed
// when the answer fails. The error names the pod, for the kubelet's event.
func (a *Assigner) Allocate(ctx context.Context, ids []string, answer Answer) (*pluginapi.ContainerAllocateResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, err := a.match(ctx, ids)
	if err != nil {
		return nil, err
	}
	log := zerolog.Ctx(ctx).With().Str("pod", p.Name()).Strs("devices", ids).Logger()
	resp, err := answer(ctx, p)
	if err != nil {
		log.Error().Err(err).Msg("allocate failed")
		if perr := a.pods.SetPhase(ctx, p.Pod, allocation.PhaseFailed); perr != nil {
			log.Warn().Err(perr).Msg("set bind-phase failed")
		}
		return nil, fmt.Errorf("hami %s: allocate %s: %w", a.vendor, p.Name(), err)
	}
	if err := a.ledger.Mark(p.Pod.UID, p.Container); err != nil {
		return nil, fmt.Errorf("hami %s: allocate %s: %w", a.vendor, p.Name(), err)
	}
	log.Info().Msg("allocated")
	if a.complete(p) {
		if err := a.pods.SetPhase(ctx, p.Pod, allocation.PhaseSuccess); err != nil {
			return nil, fmt.Errorf("hami %s: allocate %s: %w", a.vendor, p.Name(), err)
		}
	}
	return resp, nil
}

// complete reports whether every container of p's pod with this vendor's
// devices has been answered.
func (a *Assigner) complete(p *Pending) bool {
	for _, c := range p.Allocation.Containers {
		if len(c.DevicesOf(a.vendor)) > 0 && !a.ledger.Served(p.Pod.UID, c.Name) {
			return false
		}
	}
	return true
}

// match picks the best waiting container for ids.
func (a *Assigner) match(ctx context.Context, ids []string) (*Pending, error) {
	cands, err := a.pending(ctx, len(ids))
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("hami %s on %s: %w (%d devices: %s)", a.vendor, a.node, ErrNoPendingPod, len(ids), describeIDs(ids))
	}
	target := a.steered[steerKey(ids)]
	delete(a.steered, steerKey(ids))
	got := physicalCounts(ids)
	best, bestTier := -1, 3
	for i := range cands {
		t := tier(&cands[i], target, got)
		if t < bestTier {
			best, bestTier = i, t
		}
	}
	if bestTier == 2 {
		zerolog.Ctx(ctx).Warn().Str("pod", cands[best].Name()).Strs("devices", ids).
			Msg("allocate matched by device count only; devices follow the scheduler's choice")
	}
	return &cands[best], nil
}

func tier(p *Pending, target steerTarget, got map[string]int) int {
	if p.Pod.UID == target.uid && p.Container == target.container {
		return 0
	}
	want := map[string]int{}
	for _, d := range p.Devices {
		want[d.ID]++
	}
	if mapsEqual(want, got) {
		return 1
	}
	return 2
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// pending lists the waiting containers with exactly count devices of this
// vendor, best first, and forgets ledger entries of pods no longer waiting.
func (a *Assigner) pending(ctx context.Context, count int) ([]Pending, error) {
	pods, err := a.pods.Allocating(ctx)
	if err != nil {
		return nil, err
	}
	waiting := make(map[types.UID]bool, len(pods))
	var out []Pending
	for i := range pods {
		waiting[pods[i].UID] = true
		out = append(out, a.waitingContainers(ctx, &pods[i], count)...)
	}
	if err := a.ledger.Keep(waiting); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("prune ledger")
	}
	a.sort(out)
	return out, nil
}

func (a *Assigner) waitingContainers(ctx context.Context, pod *corev1.Pod, count int) []Pending {
	alloc, err := allocation.Decode(pod.Annotations[allocation.Annotation])
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("pod", pod.Namespace+"/"+pod.Name).Msg("skip pod with unreadable allocation")
		return nil
	}
	if alloc.Node != a.node {
		return nil
	}
	at, _ := allocation.ParseTime(pod.Annotations[allocation.AnnotationBindTime])
	var out []Pending
	pos := 0
	for _, c := range orderContainers(alloc.Containers) {
		devs := c.DevicesOf(a.vendor)
		if len(devs) == 0 {
			continue
		}
		pos++
		if len(devs) != count || a.ledger.Served(pod.UID, c.Name) {
			continue
		}
		out = append(out, Pending{Pod: pod, Allocation: alloc, Container: c.Name, Devices: devs, BindTime: at, position: pos})
	}
	return out
}

// orderContainers puts init containers first, as the kubelet allocates them.
func orderContainers(cs []allocation.Container) []allocation.Container {
	out := slices.Clone(cs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Init && !out[j].Init })
	return out
}

func (a *Assigner) sort(ps []Pending) {
	sort.SliceStable(ps, func(i, j int) bool {
		x, y := &ps[i], &ps[j]
		if sx, sy := a.ledger.Started(x.Pod.UID), a.ledger.Started(y.Pod.UID); sx != sy {
			return sx
		}
		if cx, cy := x.Pod.CreationTimestamp.Time, y.Pod.CreationTimestamp.Time; !cx.Equal(cy) {
			return cx.Before(cy)
		}
		if !x.BindTime.Equal(y.BindTime) {
			return x.BindTime.Before(y.BindTime)
		}
		if nx, ny := x.Pod.Namespace+"/"+x.Pod.Name, y.Pod.Namespace+"/"+y.Pod.Name; nx != ny {
			return nx < ny
		}
		return x.position < y.position
	})
}

func steerKey(ids []string) string {
	s := slices.Clone(ids)
	sort.Strings(s)
	return strings.Join(s, ",")
}
