package policy

import (
	"slices"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/request"
)

// Score rates the node for the pod once placed, in 0..100: binpack prefers
// the node that ends up fullest, spread the emptiest. The pod's share is
// added to the node's totals without building the booked usage.
func Score(node Node, p *Placement, nodePolicy string) int64 {
	if len(p.Containers) == 1 && len(p.Containers[0].Vendors) == 1 {
		vendor := p.Containers[0].Vendors[0].Vendor
		mem, cores := p.share(vendor)
		v, _ := node.Get(vendor)
		sum := v.summary()
		return scoreOf(sum.utilizationWith(mem, cores), nodePolicy)
	}
	var sum float64
	var n int
	for _, vendor := range p.vendors() {
		mem, cores := p.share(vendor)
		v, _ := node.Get(vendor)
		s := v.summary()
		sum += s.utilizationWith(mem, cores)
		n++
	}
	if n == 0 {
		return 0
	}
	return scoreOf(sum/float64(n), nodePolicy)
}

func scoreOf(util float64, nodePolicy string) int64 {
	if nodePolicy == Spread {
		util = 1 - util
	}
	return int64(util*100 + 0.5)
}

// Evaluate is FitPod then Score without keeping the placement: what filter
// and prioritize need for each node. The one-container, one-device pod that
// most pods are takes a path that allocates nothing.
func Evaluate(node Node, pod *request.Pod, devicePolicy, nodePolicy string) (int64, *Unfit) {
	if len(pod.Containers) == 1 && len(pod.Containers[0].Requests) == 1 {
		r := &pod.Containers[0].Requests[0]
		v, ok := node.Get(r.Vendor)
		if !ok {
			return 0, &Unfit{Vendor: r.Vendor, Code: NoInventory}
		}
		req := Request{Request: *r, Selection: pod.Selection[r.Vendor], Policy: devicePolicy}
		if single(&req) {
			// The score needs the share the pod takes, not which device
			// takes it: where every device would take the same share, the
			// first that fits answers, and the others need no check.
			sum := v.summary()
			if mem, cores, same := sameShare(v.Inventory, sum.shareUnit, &req); same && anyFits(v.Inventory, v.Usage, &req) {
				return scoreOf(sum.utilizationWith(mem, cores), nodePolicy), nil
			}
			c, unfit := fitOne(v.Inventory, v.Usage, &req)
			if unfit != nil {
				return 0, unfit
			}
			return scoreOf(sum.utilizationWith(c.MemoryMiB, c.Cores), nodePolicy), nil
		}
	}
	p, unfit := FitPod(node, pod, devicePolicy)
	if unfit != nil {
		return 0, unfit
	}
	return Score(node, p, nodePolicy), nil
}

// sameShare reports whether req would take the same memory and cores on
// every device of inv that can take it, and that share: fixed memory and
// under 100% of the cores, in hami-core mode, on devices that all round
// memory to the same unit (shareUnit, 0 when they do not). Anything else (a
// percentage of each device's memory, a whole device, a MIG profile)
// depends on the device.
func sameShare(inv *device.NodeInventory, shareUnit int64, req *Request) (int64, int32, bool) {
	if shareUnit == 0 || req.MemoryPercent > 0 || req.Cores >= 100 ||
		(req.Selection.Mode != "" && req.Selection.Mode != device.ModeHAMiCore) {
		return 0, 0, false
	}
	return memoryFor(&inv.Devices[0], req), req.Cores, true
}

// anyFits reports whether some device of inv takes req.
func anyFits(inv *device.NodeInventory, u NodeUsage, req *Request) bool {
	var c Choice
	var why Reason
	for i := range inv.Devices {
		du := u.ref(i)
		if check(inv, i, du, req, &c, &why) {
			return true
		}
	}
	return false
}

// share totals the memory and cores the placement takes of one vendor.
func (p *Placement) share(vendor string) (mem int64, cores int32) {
	for _, c := range p.Containers {
		for _, vc := range c.Vendors {
			if vc.Vendor != vendor {
				continue
			}
			for _, ch := range vc.Choices {
				mem += ch.MemoryMiB
				cores += ch.Cores
			}
		}
	}
	return mem, cores
}

// vendors lists the vendors of the placement once each, in first-seen order.
func (p *Placement) vendors() []string {
	var out []string
	for _, c := range p.Containers {
		for _, vc := range c.Vendors {
			if !slices.Contains(out, vc.Vendor) {
				out = append(out, vc.Vendor)
			}
		}
	}
	return out
}
