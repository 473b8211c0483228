// Package node owns the NVIDIA plugin's NodeInventory: the discovered GPUs
// with the node's configuration (split count, scaling, filters, MIG
// strategy) and their current health applied.
package node

import (
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// Vendor is the key the plugin publishes under.
const Vendor = config.VendorNVIDIA

// Spec is what an inventory is built from, apart from the GPUs.
type Spec struct {
	Node          string
	PluginVersion string
	Resources     device.Resources
	Config        config.Node
	TTLSeconds    int32
}

// Visible returns the GPUs the node's filter does not hide.
func Visible(gpus []discovery.GPU, f config.DeviceFilter) []discovery.GPU {
	var out []discovery.GPU
	for _, g := range gpus {
		if !f.Hides(g.UUID, g.Index) {
			out = append(out, g)
		}
	}
	return out
}

// Inventory builds the inventory of the visible GPUs; healthy reports a
// GPU's current health by UUID.
func Inventory(s Spec, gpus []discovery.GPU, healthy func(uuid string) bool) *device.NodeInventory {
	inv := &device.NodeInventory{
		APIVersion: device.APIVersionV1, Kind: device.Kind,
		Node: s.Node, Vendor: Vendor, PluginVersion: s.PluginVersion,
		Resources:  s.Resources,
		Scaling:    device.Scaling{MemoryScaling: s.Config.DeviceMemoryScaling, CoreScaling: s.Config.DeviceCoreScaling},
		TTLSeconds: s.TTLSeconds,
		Devices:    []device.Device{},
	}
	visible := Visible(gpus, s.Config.Filter)
	ids := map[string]bool{}
	for _, g := range visible {
		ids[g.UUID] = true
	}
	for _, g := range visible {
		inv.Devices = append(inv.Devices, deviceOf(s.Config, g, healthy(g.UUID), ids))
	}
	return inv
}

func deviceOf(cfg config.Node, g discovery.GPU, healthy bool, visible map[string]bool) device.Device {
	d := device.Device{
		ID: g.UUID, Index: g.Index, Type: g.Model, MemoryMiB: g.MemoryMiB,
		Cores: 100, SplitCount: max(cfg.DeviceSplitCount, 1), NUMA: g.NUMA, Healthy: healthy,
		Modes: Modes(cfg, g),
	}
	if d.HasMode(device.ModeMIG) {
		d.Slices = g.Slices
		for _, p := range g.Profiles {
			d.Profiles = append(d.Profiles, device.Profile{
				Name: p.Name, Mode: device.ModeMIG, MemoryMiB: min(p.MemoryMiB, g.MemoryMiB), Cores: p.Cores,
				MaxCount: p.MaxCount, Size: p.Slices, Placements: p.Placements,
			})
		}
	}
	for peer, score := range g.Links {
		if visible[peer] {
			if d.Links == nil {
				d.Links = map[string]int32{}
			}
			d.Links[peer] = score
		}
	}
	return d
}

// Modes says how a GPU may be used: a GPU in MIG mode (with the mixed
// strategy) only as MIG instances, any other as shared (hami-core) or whole.
func Modes(cfg config.Node, g discovery.GPU) []string {
	if g.MIGEnabled && cfg.MigStrategy == config.MigStrategyMixed && len(g.Profiles) > 0 {
		return []string{device.ModeMIG}
	}
	return []string{device.ModeHAMiCore, device.ModeExclusive}
}
