// Package devicetest builds valid inventories for tests and benchmarks.
package devicetest

import (
	"fmt"
	"time"

	"github.com/hami-project/hami/common/device"
)

// Node returns a valid NVIDIA-like inventory of n GPUs of memMiB each; GPU i
// is on NUMA node i*2/n (two NUMA nodes) and GPUs 2k and 2k+1 are linked.
func Node(name string, n int, memMiB int64) *device.NodeInventory {
	inv := &device.NodeInventory{
		APIVersion: device.APIVersionV1, Kind: device.Kind,
		Node: name, Vendor: "nvidia", PluginVersion: "test",
		Resources: device.Resources{
			Count: "nvidia.com/gpu", Memory: "nvidia.com/gpumem",
			MemoryPercent: "nvidia.com/gpumem-percentage", Cores: "nvidia.com/gpucores",
		},
		Scaling:     device.Scaling{MemoryScaling: 1, CoreScaling: 1},
		PublishedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		TTLSeconds:  60,
	}
	for i := range n {
		inv.Devices = append(inv.Devices, GPU(fmt.Sprintf("GPU-%s-%d", name, i), i, memMiB, i*2/n))
	}
	for i := 0; i+1 < n; i += 2 {
		a, b := &inv.Devices[i], &inv.Devices[i+1]
		a.Links = map[string]int32{b.ID: 100}
		b.Links = map[string]int32{a.ID: 100}
	}
	return inv
}

// GPU returns one healthy hami-core device.
func GPU(id string, index int, memMiB int64, numa int) device.Device {
	return device.Device{
		ID: id, Index: index, Type: "NVIDIA H100 80GB HBM3", MemoryMiB: memMiB,
		Cores: 100, SplitCount: 10, NUMA: numa, Healthy: true,
		Modes: []string{device.ModeHAMiCore, device.ModeExclusive},
	}
}

// WithMIG gives device i the H100 MIG profiles (7 compute slices).
func WithMIG(inv *device.NodeInventory, i int) {
	d := &inv.Devices[i]
	d.Modes = append(d.Modes, device.ModeMIG)
	d.Slices = 7
	d.Profiles = []device.Profile{
		{Name: "1g.10gb", Mode: device.ModeMIG, MemoryMiB: 9856, Cores: 14, MaxCount: 7, Size: 1, Placements: []int32{0, 1, 2, 3, 4, 5, 6}},
		{Name: "2g.20gb", Mode: device.ModeMIG, MemoryMiB: 19968, Cores: 28, MaxCount: 3, Size: 2, Placements: []int32{0, 2, 4}},
		{Name: "3g.40gb", Mode: device.ModeMIG, MemoryMiB: 40192, Cores: 42, MaxCount: 2, Size: 3, Placements: []int32{0, 4}},
		{Name: "4g.40gb", Mode: device.ModeMIG, MemoryMiB: 40192, Cores: 57, MaxCount: 1, Size: 4, Placements: []int32{0}},
		{Name: "7g.80gb", Mode: device.ModeMIG, MemoryMiB: 80896, Cores: 100, MaxCount: 1, Size: 7, Placements: []int32{0}},
	}
}
