package policy

import (
	"slices"

	"github.com/hami-project/hami/common/device"
)

// Device policies.
const (
	Binpack       = "binpack"
	Spread        = "spread"
	TopologyAware = "topology-aware"
	NUMA          = "numa"
)

// Fit chooses req.Count distinct devices of inv for one container, or says
// why it cannot. It does not change u.
func Fit(inv *device.NodeInventory, u NodeUsage, req *Request) ([]Choice, *Unfit) {
	if req.Count <= 0 {
		return nil, nil
	}
	if single(req) {
		c, unfit := fitOne(inv, u, req)
		if unfit != nil {
			return nil, unfit
		}
		return []Choice{c}, nil
	}
	cands, reasons := candidates(inv, u, req)
	if len(cands) < int(req.Count) {
		return nil, &Unfit{Vendor: inv.Vendor, Code: TooFewDevices, Want: int64(req.Count), Have: int64(len(cands)), Reasons: reasons}
	}
	sortByPolicy(inv, u, cands, req.Policy)
	var chosen []Choice
	switch {
	case req.Policy == NUMA || req.Selection.NUMABind:
		chosen = pickNUMA(inv, cands, int(req.Count))
		if chosen == nil {
			return nil, &Unfit{Vendor: inv.Vendor, Code: NUMASplit, Want: int64(req.Count), Reasons: reasons}
		}
	case req.Policy == TopologyAware:
		chosen = pickLinked(inv, cands, int(req.Count))
	default:
		chosen = cands[:req.Count]
	}
	return slices.Clone(chosen), nil
}

// fitOne is the common single-device case: one pass, no sorting, and no
// allocation unless nothing fits (then a second pass collects the reasons).
func fitOne(inv *device.NodeInventory, u NodeUsage, req *Request) (Choice, *Unfit) {
	var best, c Choice
	found := false
	var bestKey float64
	var why Reason
	for i := range inv.Devices {
		du := u.ref(i)
		if !check(inv, i, du, req, &c, &why) {
			continue
		}
		key := orderKey(&inv.Devices[i], inv.Scaling, du, &c, req.Policy)
		if !found || key < bestKey {
			best, bestKey, found = c, key, true
		}
	}
	if !found {
		_, reasons := candidates(inv, u, req)
		return Choice{}, &Unfit{Vendor: inv.Vendor, Reasons: reasons}
	}
	return best, nil
}

// single reports whether req takes the one-device path of fitOne.
func single(req *Request) bool {
	return req.Count == 1 && req.Policy != NUMA && !req.Selection.NUMABind
}

func candidates(inv *device.NodeInventory, u NodeUsage, req *Request) ([]Choice, []Reason) {
	var cands []Choice
	var reasons []Reason
	var why Reason
	var c Choice
	for i := range inv.Devices {
		du := u.At(i)
		if check(inv, i, &du, req, &c, &why) {
			cands = append(cands, c)
		} else {
			reasons = append(reasons, why)
		}
	}
	return cands, reasons
}

// orderKey ranks a candidate: lower is preferred. Binpack (and the
// topology-aware and numa policies, which pack within their choice) prefers
// the device that is fullest after placing; spread the emptiest.
func orderKey(d *device.Device, s device.Scaling, du *DeviceUsage, c *Choice, policy string) float64 {
	mem := float64(du.MemoryMiB+c.MemoryMiB) / float64(d.MemoryCapacityMiB(s))
	cores := float64(du.Cores+c.Cores) / float64(d.CoreCapacity(s))
	full := (mem + cores) / 2
	if policy == Spread {
		return full
	}
	return -full
}

func sortByPolicy(inv *device.NodeInventory, u NodeUsage, cands []Choice, policy string) {
	slices.SortStableFunc(cands, func(a, b Choice) int {
		ua, ub := u.At(a.Device), u.At(b.Device)
		ka := orderKey(&inv.Devices[a.Device], inv.Scaling, &ua, &a, policy)
		kb := orderKey(&inv.Devices[b.Device], inv.Scaling, &ub, &b, policy)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return a.Device - b.Device
	})
}

// pickNUMA takes the first n candidates (in policy order) that share a NUMA
// node, trying NUMA nodes in the order of their best candidate.
func pickNUMA(inv *device.NodeInventory, cands []Choice, n int) []Choice {
	tried := map[int]bool{}
	for _, c := range cands {
		numa := inv.Devices[c.Device].NUMA
		if tried[numa] {
			continue
		}
		tried[numa] = true
		var group []Choice
		for _, o := range cands {
			if inv.Devices[o.Device].NUMA == numa {
				group = append(group, o)
			}
		}
		if len(group) >= n {
			return group[:n]
		}
	}
	return nil
}
