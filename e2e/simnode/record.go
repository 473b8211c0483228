package simnode

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
)

// Allocation is one Allocate call a simulated node made for a container.
type Allocation struct {
	Node      string
	Namespace string
	Pod       string
	PodUID    types.UID
	Container string
	Resource  string
	DeviceIDs []string
	// Response is what the plugin returned (env, mounts, devices,
	// annotations); nil when the call failed.
	Response *pluginapi.ContainerAllocateResponse
	Err      string // the failure, when there was one
}

// recorder keeps every Allocation for tests to assert on.
type recorder struct {
	mu   sync.Mutex
	list []Allocation
}

func (r *recorder) add(a Allocation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, a)
}

func (r *recorder) all() []Allocation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Allocation(nil), r.list...)
}

func (r *recorder) forPod(namespace, name string) []Allocation {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Allocation
	for _, a := range r.list {
		if a.Namespace == namespace && a.Pod == name {
			out = append(out, a)
		}
	}
	return out
}
