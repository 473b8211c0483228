// Package ui owns the scheduler's web view: who holds which slice of which
// device, per node and vendor, with health and inventory age. It serves a
// JSON document and a page (plain HTML, CSS and JS embedded in the binary)
// that renders it and refreshes itself.
package ui

import (
	"slices"
	"time"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/policy"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// Fleet is the document behind the page.
type Fleet struct {
	GeneratedAt time.Time `json:"generatedAt"`
	Vendors     []string  `json:"vendors"`
	Nodes       []Node    `json:"nodes"`
}

// Node is one node's inventory of one vendor.
type Node struct {
	Name    string `json:"name"`
	Vendor  string `json:"vendor"`
	Plugin  string `json:"pluginVersion"`
	Stale   bool   `json:"stale"`
	AgeSecs int64  `json:"ageSeconds"`
	Devices []Dev  `json:"devices"`
}

// Dev is one device and its tenants.
type Dev struct {
	ID          string   `json:"id"`
	Index       int      `json:"index"`
	Type        string   `json:"type"`
	Healthy     bool     `json:"healthy"`
	MemoryMiB   int64    `json:"memoryMiB"`
	MemoryUsed  int64    `json:"memoryAllocatedMiB"`
	CoresUsed   int32    `json:"coresAllocated"`
	CoresTotal  int32    `json:"coresTotal"`
	Tenants     int32    `json:"tenants"`
	SplitCount  int32    `json:"splitCount"`
	Mode        string   `json:"mode,omitempty"`
	TenantsList []Tenant `json:"pods"`
}

// Tenant is one container's share of a device.
type Tenant struct {
	Pod       string `json:"pod"`
	Container string `json:"container"`
	MemoryMiB int64  `json:"memoryMiB"`
	Cores     int32  `json:"cores"`
	Profile   string `json:"profile,omitempty"`
}

// Build assembles the document from the inventory entries (stale ones
// included, so an operator sees them) and the usage index.
func Build(entries []inventory.Entry, index *usage.Index, now time.Time) Fleet {
	f := Fleet{GeneratedAt: now, Nodes: make([]Node, 0, len(entries))}
	vendors := map[string]bool{}
	for _, e := range entries {
		inv := e.Inventory
		vendors[inv.Vendor] = true
		n := Node{Name: inv.Node, Vendor: inv.Vendor, Plugin: inv.PluginVersion, Stale: e.Stale,
			AgeSecs: int64(now.Sub(inv.PublishedAt).Seconds())}
		tenants := tenantsByDevice(index.Pods(inv.Node), inv.Vendor)
		u := index.Usage(inv)
		for i := range inv.Devices {
			n.Devices = append(n.Devices, devOf(&inv.Devices[i], inv.Scaling, u.At(i), tenants[inv.Devices[i].ID]))
		}
		f.Nodes = append(f.Nodes, n)
	}
	for v := range vendors {
		f.Vendors = append(f.Vendors, v)
	}
	slices.Sort(f.Vendors)
	return f
}

func devOf(d *device.Device, s device.Scaling, u policy.DeviceUsage, tenants []Tenant) Dev {
	return Dev{
		ID: d.ID, Index: d.Index, Type: d.Type, Healthy: d.Healthy,
		MemoryMiB: d.MemoryCapacityMiB(s), MemoryUsed: u.MemoryMiB,
		CoresUsed: u.Cores, CoresTotal: d.CoreCapacity(s),
		Tenants: u.Tenants, SplitCount: d.SplitCount, Mode: u.Mode, TenantsList: tenants,
	}
}

func tenantsByDevice(pods []*usage.Pod, vendor string) map[string][]Tenant {
	out := map[string][]Tenant{}
	for _, p := range pods {
		for _, c := range p.Allocation.Containers {
			for _, d := range c.Devices {
				if d.Vendor != vendor {
					continue
				}
				out[d.ID] = append(out[d.ID], Tenant{Pod: p.Namespace + "/" + p.Name, Container: c.Name,
					MemoryMiB: d.MemoryMiB, Cores: d.Cores, Profile: d.Profile})
			}
		}
	}
	return out
}
