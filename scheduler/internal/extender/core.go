package extender

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/policy"
)

// The methods below are the decision code as the scheduling-framework
// plugin (package hamiplugin) calls it: the same parse, fit, score and
// booking the extender verbs use, so both front ends decide alike.

// Demand is a pod's request parsed once, with the policies in force and
// one view of the fleet: the plugin keeps it in the cycle state.
type Demand struct{ d *demand }

// Pod is the pod the demand is for.
func (dm *Demand) Pod() *corev1.Pod { return dm.d.pod }

// Parse reads the pod's demand; nil, nil for a pod that asks for nothing
// of ours. Until the fleet and the pods are synced it answers ErrNotReady.
func (s *Scheduler) Parse(pod *corev1.Pod) (*Demand, error) {
	d, err := s.parse(pod, s.settings.Current())
	if err != nil || d == nil {
		return nil, err
	}
	if err := s.notReady(); err != nil {
		return nil, err
	}
	return &Demand{d: d}, nil
}

// Evaluate fits the pod on one node and scores it (0..100), or says why it
// does not fit. skip names pods whose shares count as gone, as
// kube-scheduler's preemption weighs evicting them; nil skips none.
// onNode, when not nil, is kube-scheduler's view of the node's pods: a
// bound pod the index still holds and that view no longer has has left,
// and counts as gone too. The index lags kube-scheduler's cache by a
// moment; counting such a pod would refuse a preemptor the room its victim
// left, and preemption would then evict elsewhere for nothing.
func (s *Scheduler) Evaluate(dm *Demand, node string, skip func(types.UID) bool, onNode []fwk.PodInfo) (int64, *policy.Unfit) {
	r := s.index.Lock()
	defer r.Unlock()
	present := func(uid types.UID) bool {
		for _, pi := range onNode {
			if pi.GetPod().UID == uid {
				return true
			}
		}
		return false
	}
	if onNode != nil && r.Departed(node, present) {
		departing := r.Departing(node, present)
		if skip == nil {
			skip = departing
		} else {
			whatIf := skip
			skip = func(uid types.UID) bool { return whatIf(uid) || departing(uid) }
		}
	}
	var scratchArray [3]policy.Vendor
	if skip == nil {
		e := s.evaluateOne(dm.d, node, r, scratchArray[:0])
		return int64(e.score), e.unfit
	}
	d := dm.d
	without := func(uid types.UID) bool { return skip(uid) || (d.booked && uid == d.pod.UID) }
	view := scratchArray[:0]
	for _, vendor := range d.vendors {
		inv, ok := d.fleet.Get(vendor, node)
		if !ok {
			return 0, &policy.Unfit{Vendor: vendor, Code: policy.NoInventory}
		}
		view = append(view, r.VendorWithout(inv, without))
	}
	score, why := policy.Evaluate(view, d.req, d.devicePolicy, d.nodePolicy)
	return min(max(score, 0), policyMax), why
}

// Book chooses the pod's devices on the node and books them in the index,
// serialised with every other booking (the plugin's Reserve).
func (s *Scheduler) Book(ctx context.Context, dm *Demand, node string) (*allocation.Allocation, error) {
	s.bindMu.Lock()
	defer s.bindMu.Unlock()
	_, dm.d.booked = s.index.Get(dm.d.pod.UID)
	a, err := s.choose(ctx, dm.d, node)
	if err != nil {
		s.metrics.decision("reserve", "error", reasonOf(err))
	}
	return a, err
}

// Release frees the pod's booking (the plugin's Unreserve).
func (s *Scheduler) Release(uid types.UID) { s.index.Remove(uid) }

// Commit binds the pod to the node with the decision on the Binding: one
// API write. On failure the booking is released.
func (s *Scheduler) Commit(ctx context.Context, pod *corev1.Pod, node string, a *allocation.Allocation) error {
	start := time.Now()
	err := s.commit(ctx, pod, node, a)
	s.metrics.bindLatency.Observe(time.Since(start).Seconds())
	if err != nil {
		s.metrics.decision("bind", "error", reasonOf(err))
		return err
	}
	s.metrics.decision("bind", "bound", "")
	return nil
}

// Manages says whether the pod asks for a resource of ours, without
// parsing its request.
func (s *Scheduler) Manages(pod *corev1.Pod) bool {
	return s.settings.Current().Registry.Manages(pod)
}
