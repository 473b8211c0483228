package hamiplugin

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/hami-project/hami/common/allocation"
)

// EventsToRegister: a pod that held shares leaving, and a new node, can make
// room. Inventories arrive over NATS, which kube-scheduler does not watch:
// Waiting requeues the pods for those.
func (p *Plugin) EventsToRegister(context.Context) ([]fwk.ClusterEventWithHint, error) {
	return []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.Pod, ActionType: fwk.Delete}, QueueingHintFn: heldShares},
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add}},
	}, nil
}

// heldShares requeues on the deletion of a pod that held a decision.
func heldShares(_ klog.Logger, _ *corev1.Pod, oldObj, _ any) (fwk.QueueingHint, error) {
	if pod, ok := oldObj.(*corev1.Pod); ok {
		if _, held := pod.Annotations[allocation.Annotation]; !held {
			return fwk.QueueSkip, nil
		}
	}
	return fwk.Queue, nil
}

// SignPod refuses to sign a pod of ours: each placement books shares, so
// v1.37's batching must not reuse one pod's result for the next. Other
// pods give no fragment and stay batchable.
func (p *Plugin) SignPod(_ context.Context, pod *corev1.Pod) ([]fwk.SignFragment, *fwk.Status) {
	if p.decider.Manages(pod) {
		return nil, fwk.NewStatus(fwk.Unschedulable, "hami: device shares are booked per pod")
	}
	return nil, nil
}

// Waiting is the pods of ours that kube-scheduler tried and has not placed
// yet. Kick requeues them (kube-scheduler's Activate, which ignores pods
// not waiting in its queue): when an inventory arrives or changes over
// NATS, and when the usage index frees a share after kube-scheduler has
// already retried on the pod's deletion.
type Waiting struct {
	mu   sync.Mutex // guards pods
	pods map[types.UID]*corev1.Pod
	kick chan struct{}
}

// NewWaiting returns an empty list.
func NewWaiting() *Waiting {
	return &Waiting{pods: map[types.UID]*corev1.Pod{}, kick: make(chan struct{}, 1)}
}

// Add records a pod being tried.
func (w *Waiting) Add(pod *corev1.Pod) {
	w.mu.Lock()
	w.pods[pod.UID] = pod
	w.mu.Unlock()
}

// Remove forgets a pod: placed, or deleted.
func (w *Waiting) Remove(uid types.UID) {
	w.mu.Lock()
	delete(w.pods, uid)
	w.mu.Unlock()
}

// Len is the number of pods waiting.
func (w *Waiting) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pods)
}

// Kick asks Run to requeue the waiting pods; kicks that come while one is
// pending fold into it.
func (w *Waiting) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// kickEvery bounds how often the waiting pods are requeued: a fleet's
// inventories change in bursts (a plugin restart, a resync), and one
// requeue after the burst serves them all.
const kickEvery = 100 * time.Millisecond

// Run hands the waiting pods to activate after each kick until ctx ends.
func (w *Waiting) Run(ctx context.Context, activate func(map[string]*corev1.Pod)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		}
		if pods := w.snapshot(); len(pods) > 0 {
			activate(pods)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(kickEvery):
		}
	}
}

func (w *Waiting) snapshot() map[string]*corev1.Pod {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]*corev1.Pod, len(w.pods))
	for _, pod := range w.pods {
		out[pod.Namespace+"/"+pod.Name] = pod
	}
	return out
}
