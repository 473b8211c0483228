package gpunode

import (
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

func deviceOf(cfg config.Node, g discovery.GPU) device.Device {
	d := device.Device{
		ID: g.UUID, Index: g.Index, Type: g.Model, MemoryMiB: g.MemoryMiB,
		Cores: 100, NUMA: g.NUMA, Modes: Modes(cfg, g), Links: g.Links,
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
