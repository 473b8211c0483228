// Package plugintest provides fakes for tests of device plugins: Pods kept
// in memory and pods carrying an allocation annotation.
package plugintest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/plugin"
)

// Pods is an in-memory plugin.Pods.
type Pods struct {
	mu   sync.Mutex
	pods map[types.UID]*corev1.Pod
}

var _ plugin.Pods = (*Pods)(nil)

// NewPods returns Pods holding pods.
func NewPods(pods ...*corev1.Pod) *Pods {
	p := &Pods{pods: map[types.UID]*corev1.Pod{}}
	for _, pod := range pods {
		p.Add(pod)
	}
	return p
}

// Add stores a pod.
func (p *Pods) Add(pod *corev1.Pod) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pods[pod.UID] = pod.DeepCopy()
}

// Remove deletes a pod.
func (p *Pods) Remove(uid types.UID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pods, uid)
}

// Phase returns a pod's bind phase.
func (p *Pods) Phase(uid types.UID) allocation.Phase {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pod := p.pods[uid]; pod != nil {
		return allocation.Phase(pod.Annotations[allocation.AnnotationBindPhase])
	}
	return ""
}

// Allocating implements plugin.Pods.
func (p *Pods) Allocating(context.Context) ([]corev1.Pod, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []corev1.Pod
	for _, pod := range p.pods {
		if allocation.Phase(pod.Annotations[allocation.AnnotationBindPhase]) == allocation.PhaseAllocating {
			out = append(out, *pod.DeepCopy())
		}
	}
	return out, nil
}

// Live implements plugin.Pods.
func (p *Pods) Live(context.Context) (map[types.UID]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[types.UID]bool{}
	for uid := range p.pods {
		out[uid] = true
	}
	return out, nil
}

// SetPhase implements plugin.Pods.
func (p *Pods) SetPhase(_ context.Context, pod *corev1.Pod, phase allocation.Phase) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if stored := p.pods[pod.UID]; stored != nil {
		stored.Annotations[allocation.AnnotationBindPhase] = string(phase)
	}
	return nil
}

// Pod returns a pod bound to node with the allocation annotation in phase
// allocating, bound at bindTime; containers are named after a.Containers.
func Pod(t testing.TB, name string, a *allocation.Allocation, bindTime time.Time) *corev1.Pod {
	t.Helper()
	value, err := a.Encode()
	require.NoError(t, err)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "default", Name: name, UID: types.UID("uid-" + name),
			CreationTimestamp: metav1.NewTime(bindTime),
			Annotations: map[string]string{
				allocation.Annotation:          value,
				allocation.AnnotationBindPhase: string(allocation.PhaseAllocating),
				allocation.AnnotationBindTime:  allocation.FormatTime(bindTime),
			},
		},
		Spec: corev1.PodSpec{NodeName: a.Node},
	}
	for _, c := range a.Containers {
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: c.Name})
	}
	return pod
}

// Shared is an allocation of one container with one shared device.
func Shared(node, container, vendor, id string, memMiB int64, cores int32, mode string) *allocation.Allocation {
	a := allocation.New(node)
	a.Containers = []allocation.Container{{Name: container, Devices: []allocation.Device{
		{Vendor: vendor, ID: id, MemoryMiB: memMiB, Cores: cores, Mode: mode},
	}}}
	return a
}
