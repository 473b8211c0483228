package hamiplugin

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

// PreFilter parses the pod's request once for the whole cycle. A pod that
// asks for nothing of ours skips the plugin's Filter and Score; one whose
// request is invalid fails on every node with the reason. Until the fleet
// and the pods are synced it waits (a fresh start), then ends the cycle in
// an error, which kube-scheduler retries after its backoff.
func (p *Plugin) PreFilter(ctx context.Context, cs fwk.CycleState, pod *corev1.Pod, _ []fwk.NodeInfo) (*fwk.PreFilterResult, *fwk.Status) {
	d, err := p.parse(ctx, pod)
	switch {
	case errors.Is(err, extender.ErrNotReady):
		return nil, fwk.AsStatus(err)
	case err != nil:
		return nil, fwk.NewStatus(fwk.UnschedulableAndUnresolvable, "hami: "+err.Error())
	case d == nil:
		return nil, fwk.NewStatus(fwk.Skip)
	}
	cs.Write(stateKey, &state{demand: d})
	p.waiting.Add(pod)
	return nil, nil
}

// readyPoll is how often PreFilter looks again while not ready.
const readyPoll = 20 * time.Millisecond

// parse parses the pod, waiting up to readyWait for readiness. At start-up
// kube-scheduler has synced its informers when it takes the first pod, but
// the inventory over NATS and the index's handler may lag a moment: waiting
// here, once, keeps a backlog of pods from all going to backoff.
func (p *Plugin) parse(ctx context.Context, pod *corev1.Pod) (*extender.Demand, error) {
	deadline := time.Now().Add(p.readyWait)
	for {
		d, err := p.decider.Parse(pod)
		if !errors.Is(err, extender.ErrNotReady) || !time.Now().Before(deadline) {
			return d, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(readyPoll):
		}
	}
}

// PreFilterExtensions are AddPod and RemovePod.
func (p *Plugin) PreFilterExtensions() fwk.PreFilterExtensions { return p }

// RemovePod counts the pod's shares on the node as gone: kube-scheduler's
// preemption asks whether evicting it would make room.
func (p *Plugin) RemovePod(_ context.Context, cs fwk.CycleState, _ *corev1.Pod, victim fwk.PodInfo, ni fwk.NodeInfo) *fwk.Status {
	if s, ok := lookup(cs); ok {
		s.remove(ni.Node().Name, victim.GetPod().UID)
	}
	return nil
}

// AddPod counts a pod's shares on the node again: preemption puts back the
// victims it can spare. A nominated pod that holds no booking yet is not
// counted: its devices are chosen only when it is placed.
func (p *Plugin) AddPod(_ context.Context, cs fwk.CycleState, _ *corev1.Pod, added fwk.PodInfo, ni fwk.NodeInfo) *fwk.Status {
	if s, ok := lookup(cs); ok {
		s.restore(ni.Node().Name, added.GetPod().UID)
	}
	return nil
}

// Filter fits the pod on the node by the placement policy; the reason it
// does not fit is what `kubectl describe pod` shows. A node without an
// inventory cannot be helped by evicting pods, so preemption skips it.
func (p *Plugin) Filter(_ context.Context, cs fwk.CycleState, _ *corev1.Pod, ni fwk.NodeInfo) *fwk.Status {
	s, st := mustLookup(cs)
	if st != nil {
		return st
	}
	name := ni.Node().Name
	if _, unfit := p.decider.Evaluate(s.demand, name, s.skip(name), ni.GetPods()); unfit != nil {
		return unfitStatus(unfit)
	}
	return nil
}

func unfitStatus(u *policy.Unfit) *fwk.Status {
	code := fwk.Unschedulable
	if u.Code == policy.NoInventory {
		code = fwk.UnschedulableAndUnresolvable
	}
	return fwk.NewStatus(code, u.Error())
}
