package hamiplugin

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"
)

// Reserve chooses the pod's devices on the node kube-scheduler picked and
// books them, so the next pod's cycle sees them taken.
func (p *Plugin) Reserve(ctx context.Context, cs fwk.CycleState, pod *corev1.Pod, node string) *fwk.Status {
	s, ok := lookup(cs)
	if !ok {
		return nil
	}
	a, err := p.decider.Book(ctx, s.demand, node)
	if err != nil {
		return fwk.NewStatus(fwk.Unschedulable, err.Error())
	}
	s.alloc = a
	p.waiting.Remove(pod.UID)
	return nil
}

// Unreserve frees the booking of a pod whose binding cycle failed.
func (p *Plugin) Unreserve(_ context.Context, cs fwk.CycleState, pod *corev1.Pod, _ string) {
	if s, ok := lookup(cs); ok && s.alloc != nil {
		p.decider.Release(pod.UID)
		s.alloc = nil
	}
}

// Bind binds a pod of ours with its decision as the Binding's annotations,
// which the API server sets on the pod in the same write as its node: one
// API write per pod. Other pods are left to the next bind plugin.
func (p *Plugin) Bind(ctx context.Context, cs fwk.CycleState, pod *corev1.Pod, node string) *fwk.Status {
	s, ok := lookup(cs)
	if !ok || s.alloc == nil {
		return fwk.NewStatus(fwk.Skip)
	}
	if err := p.decider.Commit(ctx, pod, node, s.alloc); err != nil {
		return fwk.AsStatus(err)
	}
	return nil
}
