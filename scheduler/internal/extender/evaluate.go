package extender

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/common/request"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// demand is a pod parsed once per call, with the policies in force.
type demand struct {
	fleet        FleetView
	pod          *corev1.Pod
	req          *request.Pod
	vendors      []string
	nodePolicy   string
	devicePolicy string
	// booked is set when the index already holds this pod (a retry after a
	// failed or interrupted bind); its own share is then not counted.
	booked bool
}

// parse reads the pod's demand; nil when the pod asks for nothing of ours.
func (s *Scheduler) parse(pod *corev1.Pod, st *settings.Settings) (*demand, error) {
	req, err := st.Registry.ParsePod(pod, request.DefaultsFrom(st.Config))
	if err != nil {
		return nil, err
	}
	if req.Empty() {
		return nil, nil
	}
	d := &demand{fleet: s.fleet.View(), pod: pod, req: req, vendors: req.Vendors(),
		nodePolicy: st.Config.NodeSchedulerPolicy, devicePolicy: st.Config.GPUSchedulerPolicy}
	if req.NodePolicy != "" {
		d.nodePolicy = req.NodePolicy
	}
	if req.DevicePolicy != "" {
		d.devicePolicy = req.DevicePolicy
	}
	_, d.booked = s.index.Get(pod.UID)
	return d, nil
}

// view assembles what placement needs of one node: each wanted vendor's
// fresh inventory and its usage, appended to scratch (the caller's, reused
// from node to node).
func (s *Scheduler) view(d *demand, nodeName string, r usage.Reader, scratch policy.Node) (policy.Node, *policy.Unfit) {
	node := scratch[:0]
	for _, vendor := range d.vendors {
		inv, ok := d.fleet.Get(vendor, nodeName)
		if !ok {
			return nil, &policy.Unfit{Vendor: vendor, Code: policy.NoInventory}
		}
		if d.booked {
			node = append(node, policy.Vendor{Inventory: inv, Usage: r.UsageExcept(inv, d.pod.UID)})
		} else {
			node = append(node, r.Vendor(inv))
		}
	}
	return node, nil
}

// fit places the pod on one node, for bind.
func (s *Scheduler) fit(d *demand, nodeName string) (*policy.Placement, policy.Node, *policy.Unfit) {
	r, done := s.index.Read()
	node, unfit := s.view(d, nodeName, r, make(policy.Node, 0, len(d.vendors)))
	done()
	if unfit != nil {
		return nil, nil, unfit
	}
	p, unfit := policy.FitPod(node, d.req, d.devicePolicy)
	return p, node, unfit
}
