package extender_test

import (
	"context"
	"errors"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
)

// fleet is a fixed set of inventories.
type fleet map[string]*device.NodeInventory

func (f fleet) Get(vendor, node string) (*device.NodeInventory, bool) {
	inv, ok := f[device.Key(vendor, node)]
	return inv, ok
}

func (f fleet) List() []*device.NodeInventory {
	var out []*device.NodeInventory
	for _, inv := range f {
		out = append(out, inv)
	}
	return out
}

// pods is an in-memory pod store.
type pods struct {
	mu   sync.Mutex
	byNS map[string]*corev1.Pod
}

func newPods(ps ...*corev1.Pod) *pods {
	p := &pods{byNS: map[string]*corev1.Pod{}}
	for _, pod := range ps {
		p.byNS[pod.Namespace+"/"+pod.Name] = pod
	}
	return p
}

func (p *pods) Pod(_ context.Context, ns, name string) (*corev1.Pod, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pod, ok := p.byNS[ns+"/"+name]
	if !ok {
		return nil, apierrors.NewNotFound(corev1.Resource("pods"), name)
	}
	return pod, nil
}

// binder records binds, or fails them when err is set.
type binder struct {
	mu    sync.Mutex
	err   error
	bound map[string]bound
}

type bound struct {
	node string
	a    *allocation.Allocation
	at   time.Time
}

func newBinder() *binder { return &binder{bound: map[string]bound{}} }

func (b *binder) Bind(_ context.Context, pod *corev1.Pod, node string, a *allocation.Allocation, at time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	b.bound[pod.Name] = bound{node: node, a: a, at: at}
	return nil
}

var errAPI = errors.New("api server unavailable")

func gpuPod(name string, mem, cores int64, ann map[string]string) *corev1.Pod {
	limits := corev1.ResourceList{"nvidia.com/gpu": *resource.NewQuantity(1, resource.DecimalSI)}
	if mem > 0 {
		limits["nvidia.com/gpumem"] = *resource.NewQuantity(mem, resource.DecimalSI)
	}
	if cores > 0 {
		limits["nvidia.com/gpucores"] = *resource.NewQuantity(cores, resource.DecimalSI)
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name), Annotations: ann},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Resources: corev1.ResourceRequirements{Limits: limits}}}},
	}
}
