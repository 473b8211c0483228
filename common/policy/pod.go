package policy

import (
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/request"
)

// Vendor is one vendor's side of a node: its inventory and current usage.
type Vendor struct {
	Inventory *device.NodeInventory
	Usage     NodeUsage
	// Summary, when not nil, is Summarize(Inventory, Usage), kept by the
	// caller to be reused from pod to pod; nil has it summed on each use.
	Summary *Summary
}

// Node is a node as placement sees it: one entry per vendor the pod asks
// for. A slice, not a map: a pod asks for one to three vendors, and the
// filter builds a Node for every node of the cluster.
type Node []Vendor

// Get returns the named vendor's side of the node.
func (n Node) Get(vendor string) (Vendor, bool) {
	for _, v := range n {
		if v.Inventory.Vendor == vendor {
			return v, true
		}
	}
	return Vendor{}, false
}

// ContainerChoice is the devices chosen for one container.
type ContainerChoice struct {
	Name    string
	Init    bool
	Vendors []VendorChoice
}

// VendorChoice is the devices of one vendor chosen for a container.
type VendorChoice struct {
	Vendor  string
	Choices []Choice
}

// Placement is the devices chosen for every container of a pod.
type Placement struct {
	Containers []ContainerChoice
}

// FitPod places every container of the pod on the node. App containers run
// side by side, so each one's share is booked before the next is placed;
// init containers run one at a time before them, so each is placed on the
// node as it is now. devicePolicy is the policy in force (the pod's own or
// the configured default). FitPod does not change the node.
func FitPod(node Node, pod *request.Pod, devicePolicy string) (*Placement, *Unfit) {
	if len(pod.Containers) == 1 && len(pod.Containers[0].Requests) == 1 {
		return fitSingle(node, pod, devicePolicy)
	}
	p := &Placement{Containers: make([]ContainerChoice, 0, len(pod.Containers))}
	var apps map[string]NodeUsage
	for ci, c := range pod.Containers {
		cc := ContainerChoice{Name: c.Name, Init: c.Init, Vendors: make([]VendorChoice, 0, len(c.Requests))}
		for i := range c.Requests {
			r := &c.Requests[i]
			v, ok := node.Get(r.Vendor)
			if !ok {
				return nil, &Unfit{Vendor: r.Vendor, Code: NoInventory}
			}
			usage := v.Usage
			if acc, ok := apps[r.Vendor]; ok && !c.Init {
				usage = acc
			}
			req := &Request{Request: *r, Selection: pod.Selection[r.Vendor], Policy: devicePolicy}
			choices, unfit := Fit(v.Inventory, usage, req)
			if unfit != nil {
				return nil, unfit
			}
			if !c.Init && laterAppRequest(pod, ci, r.Vendor) {
				apps = accumulate(apps, r.Vendor, v, usage, choices)
			}
			cc.Vendors = append(cc.Vendors, VendorChoice{Vendor: r.Vendor, Choices: choices})
		}
		p.Containers = append(p.Containers, cc)
	}
	return p, nil
}

// singlePlacement holds a one-container, one-vendor placement in a single
// allocation: it is what almost every pod is, and the filter builds one per
// node.
type singlePlacement struct {
	p  Placement
	c  [1]ContainerChoice
	v  [1]VendorChoice
	ch [1]Choice
}

func fitSingle(node Node, pod *request.Pod, devicePolicy string) (*Placement, *Unfit) {
	c := &pod.Containers[0]
	r := &c.Requests[0]
	v, ok := node.Get(r.Vendor)
	if !ok {
		return nil, &Unfit{Vendor: r.Vendor, Code: NoInventory}
	}
	req := Request{Request: *r, Selection: pod.Selection[r.Vendor], Policy: devicePolicy}
	s := &singlePlacement{}
	choices := s.ch[:]
	if single(&req) {
		c, unfit := fitOne(v.Inventory, v.Usage, &req)
		if unfit != nil {
			return nil, unfit
		}
		s.ch[0] = c
	} else {
		var unfit *Unfit
		if choices, unfit = Fit(v.Inventory, v.Usage, &req); unfit != nil {
			return nil, unfit
		}
	}
	s.v[0] = VendorChoice{Vendor: r.Vendor, Choices: choices}
	s.c[0] = ContainerChoice{Name: c.Name, Init: c.Init, Vendors: s.v[:]}
	s.p.Containers = s.c[:]
	return &s.p, nil
}

// laterAppRequest reports whether an app container after container ci asks
// for the vendor, so FitPod copies a vendor's usage only when a later
// container must see earlier bookings.
func laterAppRequest(pod *request.Pod, ci int, vendor string) bool {
	for _, c := range pod.Containers[ci:] {
		if c.Init {
			continue
		}
		for _, r := range c.Requests {
			if r.Vendor == vendor {
				return true
			}
		}
	}
	return false
}

func accumulate(apps map[string]NodeUsage, vendor string, v Vendor, usage NodeUsage, choices []Choice) map[string]NodeUsage {
	if apps == nil {
		apps = map[string]NodeUsage{}
	}
	acc, ok := apps[vendor]
	if !ok {
		acc = usage.Clone(len(v.Inventory.Devices))
		apps[vendor] = acc
	}
	for _, ch := range choices {
		acc.Add(ch)
	}
	return apps
}
