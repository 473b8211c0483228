package usage

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/policy"
)

// build books every pod's devices of inv's vendor on a fresh NodeUsage
// aligned with inv, skipping the pods skip names (nil skips none). Devices
// the inventory no longer lists are ignored: nothing can be placed on them
// anyway.
func build(inv *device.NodeInventory, pods map[types.UID]*Pod, skip func(types.UID) bool) policy.NodeUsage {
	pos := make(map[string]int, len(inv.Devices))
	for i := range inv.Devices {
		pos[inv.Devices[i].ID] = i
	}
	u := make(policy.NodeUsage, len(inv.Devices))
	for uid, p := range pods {
		if skip != nil && skip(uid) {
			continue
		}
		if cs := choicesOf(p.Allocation, inv, pos); len(cs) > 0 {
			u = policy.Book(inv, u, cs, inv.Vendor)
		}
	}
	return u
}

// choicesOf turns an allocation back into the policy's terms for one vendor.
func choicesOf(a *allocation.Allocation, inv *device.NodeInventory, pos map[string]int) []policy.ContainerChoice {
	var out []policy.ContainerChoice
	for _, c := range a.Containers {
		var choices []policy.Choice
		for _, d := range c.Devices {
			i, ok := pos[d.ID]
			if d.Vendor != inv.Vendor || !ok {
				continue
			}
			choices = append(choices, ChoiceOf(d, i, &inv.Devices[i]))
		}
		if len(choices) > 0 {
			out = append(out, policy.ContainerChoice{Name: c.Name, Init: c.Init,
				Vendors: []policy.VendorChoice{{Vendor: inv.Vendor, Choices: choices}}})
		}
	}
	return out
}

// ChoiceOf is the policy choice an allocated device stands for.
func ChoiceOf(d allocation.Device, i int, dev *device.Device) policy.Choice {
	c := policy.Choice{Device: i, ID: d.ID, MemoryMiB: d.MemoryMiB, Cores: d.Cores, Mode: d.Mode,
		Exclusive: d.Mode == device.ModeExclusive || (d.Profile == "" && d.Cores >= 100),
		Profile:   d.Profile, Placement: d.Placement}
	for _, p := range dev.Profiles {
		if p.Name == d.Profile {
			c.Size = p.Size
		}
	}
	return c
}

// AllocationOf turns a placement into the annotation's terms.
func AllocationOf(nodeName string, p *policy.Placement, node policy.Node) *allocation.Allocation {
	a := allocation.New(nodeName)
	for _, c := range p.Containers {
		ac := allocation.Container{Name: c.Name, Init: c.Init}
		for _, vc := range c.Vendors {
			v, _ := node.Get(vc.Vendor)
			inv := v.Inventory
			for _, ch := range vc.Choices {
				ac.Devices = append(ac.Devices, allocation.Device{
					Vendor: vc.Vendor, ID: ch.ID, Index: inv.Devices[ch.Device].Index,
					MemoryMiB: ch.MemoryMiB, Cores: ch.Cores, Mode: ch.Mode,
					Profile: ch.Profile, Placement: ch.Placement,
				})
			}
		}
		a.Containers = append(a.Containers, ac)
	}
	return a
}
