// Package nodeinv owns how a vendor plugin's NodeInventory is put together:
// the header every vendor writes alike (schema, node, vendor, plugin
// version, resource names, scaling, TTL) and the node's configuration
// applied to the devices the vendor discovered (filters, split count,
// current health), so the scheduler sees every vendor through one shape.
package nodeinv

import (
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
)

// Spec is what an inventory is built from, apart from the devices.
type Spec struct {
	Node          string
	Vendor        string
	PluginVersion string
	Resources     device.Resources
	Config        config.Node
	TTLSeconds    int32
}

// Visible returns the devices the node's filter does not hide.
func Visible(devs []device.Device, f config.DeviceFilter) []device.Device {
	out := make([]device.Device, 0, len(devs))
	for _, d := range devs {
		if !f.Hides(d.ID, d.Index) {
			out = append(out, d)
		}
	}
	return out
}

// Build is the inventory of the visible devices. A device's SplitCount as
// discovered is the hardware's limit on tenants (0: none); the configured
// split count applies within it. healthy reports current health by id.
// Links to hidden devices are dropped. devs is not modified.
func Build(s Spec, devs []device.Device, healthy func(id string) bool) *device.NodeInventory {
	inv := &device.NodeInventory{
		APIVersion: device.APIVersionV1, Kind: device.Kind,
		Node: s.Node, Vendor: s.Vendor, PluginVersion: s.PluginVersion,
		Resources:  s.Resources,
		Scaling:    device.Scaling{MemoryScaling: s.Config.DeviceMemoryScaling, CoreScaling: s.Config.DeviceCoreScaling},
		TTLSeconds: s.TTLSeconds,
		Devices:    []device.Device{},
	}
	visible := Visible(devs, s.Config.Filter)
	ids := make(map[string]bool, len(visible))
	for _, d := range visible {
		ids[d.ID] = true
	}
	for _, d := range visible {
		d.SplitCount = splitCount(s.Config.DeviceSplitCount, d.SplitCount)
		d.Healthy = healthy(d.ID)
		d.Links = keepLinks(d.Links, ids)
		inv.Devices = append(inv.Devices, d)
	}
	return inv
}

func splitCount(configured, hardware int32) int32 {
	n := max(configured, 1)
	if hardware > 0 {
		n = min(n, hardware)
	}
	return n
}

func keepLinks(links map[string]int32, visible map[string]bool) map[string]int32 {
	var out map[string]int32
	for peer, score := range links {
		if visible[peer] {
			if out == nil {
				out = make(map[string]int32, len(links))
			}
			out[peer] = score
		}
	}
	return out
}
