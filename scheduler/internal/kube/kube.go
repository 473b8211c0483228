// Package kube owns the scheduler's conversation with the API server: the
// pod informer that keeps the usage index in step with the cluster, the pod
// lookup for bind calls, and writing a decision on a pod and binding it.
package kube

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"

	"github.com/hami-project/hami/common/allocation"
)

// Binder writes decisions through the API server.
type Binder struct {
	client kubernetes.Interface
}

// NewBinder returns a Binder using client.
func NewBinder(client kubernetes.Interface) *Binder { return &Binder{client: client} }

// Bind binds the pod with the allocation, bind-phase allocating and the bind
// time as the Binding's annotations, which the API server copies onto the
// pod in the same write that sets its node. One write per pod instead of a
// patch and then a binding halves the API calls that cap binding
// throughput, and no failure can leave a decision on an unbound pod (or
// overwrite the decision of a pod already bound). A nil allocation binds
// only.
func (b *Binder) Bind(ctx context.Context, pod *corev1.Pod, node string, a *allocation.Allocation, at time.Time) error {
	binding := &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: node},
	}
	if a != nil {
		value, err := a.Encode()
		if err != nil {
			return err
		}
		binding.Annotations = map[string]string{
			allocation.Annotation:          value,
			allocation.AnnotationBindPhase: string(allocation.PhaseAllocating),
			allocation.AnnotationBindTime:  allocation.FormatTime(at),
		}
	}
	if err := b.client.CoreV1().Pods(pod.Namespace).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("bind %s/%s to %s: %w", pod.Namespace, pod.Name, node, err)
	}
	return nil
}

// Pods looks pods up in the informer's cache, then in the API server: the
// cache may lag a pod created a moment ago.
type Pods struct {
	lister corelisters.PodLister
	client kubernetes.Interface
}

// NewPods returns a pod lookup.
func NewPods(lister corelisters.PodLister, client kubernetes.Interface) *Pods {
	return &Pods{lister: lister, client: client}
}

// Pod returns the named pod.
func (p *Pods) Pod(ctx context.Context, namespace, name string) (*corev1.Pod, error) {
	pod, err := p.lister.Pods(namespace).Get(name)
	if err == nil {
		return pod, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	return p.client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
}
