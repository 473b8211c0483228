package policy

import "github.com/hami-project/hami/common/device"

// Book returns, per vendor the pod uses, the node's usage with the pod
// booked on it.
func (p *Placement) Book(node Node) map[string]NodeUsage {
	out := map[string]NodeUsage{}
	for _, c := range p.Containers {
		for _, vc := range c.Vendors {
			if _, done := out[vc.Vendor]; !done {
				v, _ := node.Get(vc.Vendor)
				out[vc.Vendor] = Book(v.Inventory, v.Usage, p.Containers, vc.Vendor)
			}
		}
	}
	return out
}

func Book(inv *device.NodeInventory, base NodeUsage, containers []ContainerChoice, vendor string) NodeUsage {
	n := len(inv.Devices)
	app, init := make(NodeUsage, n), make(NodeUsage, n)
	for _, c := range containers {
		for _, vc := range c.Vendors {
			if vc.Vendor != vendor {
				continue
			}
			for _, ch := range vc.Choices {
				if ch.Device >= n {
					continue
				}
				if c.Init {
					one := make(NodeUsage, n)
					one.Add(ch)
					init[ch.Device] = larger(init[ch.Device], one[ch.Device])
				} else {
					app.Add(ch)
				}
			}
		}
	}
	out := base.Clone(n)
	for i := range out {
		merge(&out[i], larger(app[i], init[i]))
	}
	return out
}

func larger(a, b DeviceUsage) DeviceUsage {
	if a.Tenants == 0 {
		return b
	}
	if b.Tenants == 0 {
		return a
	}
	out := a
	out.MemoryMiB = max(a.MemoryMiB, b.MemoryMiB)
	out.Cores = max(a.Cores, b.Cores)
	out.Tenants = max(a.Tenants, b.Tenants)
	out.Exclusive = a.Exclusive || b.Exclusive
	out.Slices = a.Slices | b.Slices
	for _, p := range b.Profiles {
		if a.profileCount(p.Name) < p.Count {
			out.Profiles = setProfile(out.Profiles, p)
		}
	}
	return out
}

func setProfile(ps []ProfileCount, p ProfileCount) []ProfileCount {
	for i := range ps {
		if ps[i].Name == p.Name {
			ps[i].Count = p.Count
			return ps
		}
	}
	return append(ps, p)
}

func merge(dst *DeviceUsage, add DeviceUsage) {
	if add.Tenants == 0 {
		return
	}
	dst.MemoryMiB += add.MemoryMiB
	dst.Cores += add.Cores
	dst.Tenants += add.Tenants
	dst.Exclusive = dst.Exclusive || add.Exclusive
	dst.Mode = add.Mode
	dst.Slices |= add.Slices
	for _, p := range add.Profiles {
		for k := int32(0); k < p.Count; k++ {
			dst.addProfile(p.Name)
		}
	}
}
