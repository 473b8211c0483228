package kube

import (
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// unboundGrace is how long a pod that carries an allocation but is not yet
// bound keeps its booking: long enough for a scheduler restart between
// writing the annotation and binding, short enough that an abandoned
// decision does not hold capacity for long.
const unboundGrace = 2 * time.Minute

// PodWatch keeps the usage index in step with the pods the informer sees: a
// pod with an allocation holds its share until it is deleted or finishes.
type PodWatch struct {
	index *usage.Index
	now   func() time.Time
	log   zerolog.Logger
	freed func() // called after a share is freed; nil: nothing
}

// NewPodWatch returns a PodWatch feeding index.
func NewPodWatch(index *usage.Index, now func() time.Time, log zerolog.Logger) *PodWatch {
	return &PodWatch{index: index, now: now, log: log}
}

// OnFree makes the watch call fn each time it frees a pod's share (the
// plugin front end requeues the pods waiting for capacity). Set it before
// Handler.
func (w *PodWatch) OnFree(fn func()) *PodWatch {
	w.freed = fn
	return w
}

// free forgets the pod and says so when it held a share.
func (w *PodWatch) free(pod *corev1.Pod) {
	if _, held := w.index.Get(pod.UID); !held {
		return
	}
	w.index.Remove(pod.UID)
	if w.freed != nil {
		w.freed()
	}
}

// Handler is the informer event handler.
func (w *PodWatch) Handler() cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { w.observe(obj) },
		UpdateFunc: func(_, obj any) { w.observe(obj) },
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if pod, ok := obj.(*corev1.Pod); ok {
				w.free(pod)
			}
		},
	}
}

func (w *PodWatch) observe(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		w.free(pod)
		return
	}
	value, ok := pod.Annotations[allocation.Annotation]
	if !ok {
		// No decision on the pod (yet): a booking made by this process stays
		// until the annotation arrives or the bind fails.
		return
	}
	a, err := allocation.Decode(value)
	if err != nil {
		w.log.Warn().Err(err).Str("pod", pod.Namespace+"/"+pod.Name).Msg("ignoring an allocation annotation this scheduler cannot read")
		return
	}
	if !w.holds(pod, a) {
		w.free(pod)
		return
	}
	w.index.Set(&usage.Pod{UID: pod.UID, Namespace: pod.Namespace, Name: pod.Name, Allocation: a, Bound: pod.Spec.NodeName != ""})
}

// holds says whether the pod's allocation occupies its devices: once bound
// to the allocation's node, or, for a pod not yet bound, while the decision
// is fresh. This scheduler writes its decision in the Binding, so it never
// leaves an unbound pod with one; a writer that annotates first and binds
// after (an older release, another tool) does, and its decision keeps its
// capacity for unboundGrace.
func (w *PodWatch) holds(pod *corev1.Pod, a *allocation.Allocation) bool {
	if pod.Spec.NodeName != "" {
		return pod.Spec.NodeName == a.Node
	}
	if allocation.Phase(pod.Annotations[allocation.AnnotationBindPhase]) == allocation.PhaseFailed {
		return false
	}
	at, err := allocation.ParseTime(pod.Annotations[allocation.AnnotationBindTime])
	return err == nil && w.now().Sub(at) < unboundGrace
}
