// Package kube owns the scheduler's conversation with the API server: the
// pod informer that keeps the usage index in step with the cluster, the pod
// lookup for bind calls, and writing a decision on a pod and binding it.
package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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

// Bind writes the allocation with bind-phase allocating and the bind time,
// then binds the pod. A nil allocation binds only. If binding fails after
// the annotation was written, the annotation is marked failed so that no
// one counts the pod's share.
func (b *Binder) Bind(ctx context.Context, pod *corev1.Pod, node string, a *allocation.Allocation, at time.Time) error {
	pods := b.client.CoreV1().Pods(pod.Namespace)
	if a != nil {
		value, err := a.Encode()
		if err != nil {
			return err
		}
		if err := b.annotate(ctx, pod, map[string]*string{
			allocation.Annotation:          &value,
			allocation.AnnotationBindPhase: ptr(string(allocation.PhaseAllocating)),
			allocation.AnnotationBindTime:  ptr(allocation.FormatTime(at)),
		}); err != nil {
			return fmt.Errorf("write allocation on %s/%s: %w", pod.Namespace, pod.Name, err)
		}
	}
	target := corev1.ObjectReference{Kind: "Node", Name: node}
	binding := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID}, Target: target}
	if err := pods.Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
		if a != nil {
			_ = b.annotate(context.WithoutCancel(ctx), pod, map[string]*string{
				allocation.Annotation:          nil,
				allocation.AnnotationBindPhase: ptr(string(allocation.PhaseFailed)),
			})
		}
		return fmt.Errorf("bind %s/%s to %s: %w", pod.Namespace, pod.Name, target.Name, err)
	}
	return nil
}

func (b *Binder) annotate(ctx context.Context, pod *corev1.Pod, ann map[string]*string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": ann}})
	if err != nil {
		return err
	}
	_, err = b.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	return err
}

func ptr(s string) *string { return &s }

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
