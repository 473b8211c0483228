// Package gpuplugin is a test double of a GPU vendor plugin for end-to-end
// scheduler tests. Per simulated node it does what the real NVIDIA plugin
// does at the two seams the scheduler depends on: it publishes the node's
// NodeInventory over NATS (on change and on a heartbeat), and it serves the
// device-plugin gRPC API as nvidia.com/gpu, answering Allocate from the
// scheduler's hami.io/allocation annotation and reporting bind-phase
// success. There is no GPU behind it: the env it hands out only names the
// devices and limits the scheduler chose.
package gpuplugin

import (
	"fmt"
	"time"

	"github.com/hami-project/hami/common/device"
)

// Vendor is the vendor key the double publishes under.
const Vendor = "nvidia"

// ResourceName is the device-plugin resource the double registers.
const ResourceName = "nvidia.com/gpu"

// Spec is the hardware of every node a double serves, and how it publishes.
type Spec struct {
	GPUs       int   // devices per node; 4 when zero
	MemoryMiB  int64 // per device; 24576 when zero
	SplitCount int32 // tenants per device; 10 when zero
	// Models are the device models, GPU i getting Models[i*len/GPUs] (so
	// two models split a node in halves); "NVIDIA A30" when empty.
	Models    []string
	TTL       time.Duration // inventory TTL; 5 s when zero
	Heartbeat time.Duration // refresh interval; 1 s when zero
}

func (s Spec) withDefaults() Spec {
	if s.GPUs == 0 {
		s.GPUs = 4
	}
	if s.MemoryMiB == 0 {
		s.MemoryMiB = 24576
	}
	if s.SplitCount == 0 {
		s.SplitCount = 10
	}
	if len(s.Models) == 0 {
		s.Models = []string{"NVIDIA A30"}
	}
	if s.TTL == 0 {
		s.TTL = 5 * time.Second
	}
	if s.Heartbeat == 0 {
		s.Heartbeat = time.Second
	}
	return s
}

// UUID is the id of GPU i of node.
func UUID(node string, i int) string { return fmt.Sprintf("GPU-%s-%d", node, i) }

// Model is the model of GPU i under the spec.
func (s Spec) Model(i int) string {
	s = s.withDefaults()
	return s.Models[i*len(s.Models)/s.GPUs]
}

// Inventory is the node's inventory as the double publishes it: healthy
// devices, two NUMA nodes, GPUs 2k and 2k+1 linked. publishedAt is left for
// the publisher to stamp.
func (s Spec) Inventory(node string) *device.NodeInventory {
	s = s.withDefaults()
	inv := &device.NodeInventory{
		APIVersion: device.APIVersionV1, Kind: device.Kind,
		Node: node, Vendor: Vendor, PluginVersion: "e2e-gpuplugin",
		Resources: device.Resources{
			Count: ResourceName, Memory: "nvidia.com/gpumem",
			MemoryPercent: "nvidia.com/gpumem-percentage", Cores: "nvidia.com/gpucores",
			// The same names as the scheduler's defaults: what a plugin
			// publishes replaces the configured names of its vendor.
			Aliases: []device.Alias{
				{Name: "volcano.sh/vgpu-number", Role: device.RoleCount},
				{Name: "volcano.sh/vgpu-memory", Role: device.RoleMemory},
				{Name: "volcano.sh/vgpu-cores", Role: device.RoleCores},
			},
			Annotations: device.Selector{
				UseType: "nvidia.com/use-gputype", NoUseType: "nvidia.com/nouse-gputype",
				UseUUID: "nvidia.com/use-gpuuuid", NoUseUUID: "nvidia.com/nouse-gpuuuid",
				Mode: "nvidia.com/vgpu-mode", NUMABind: "nvidia.com/numa-bind",
			},
		},
		Scaling:    device.Scaling{MemoryScaling: 1, CoreScaling: 1},
		TTLSeconds: int32(s.TTL / time.Second),
	}
	for i := range s.GPUs {
		inv.Devices = append(inv.Devices, device.Device{
			ID: UUID(node, i), Index: i, Type: s.Model(i), MemoryMiB: s.MemoryMiB,
			Cores: 100, SplitCount: s.SplitCount, NUMA: i * 2 / s.GPUs, Healthy: true,
			Modes: []string{device.ModeHAMiCore, device.ModeExclusive},
		})
	}
	for i := 0; i+1 < s.GPUs; i += 2 {
		a, b := &inv.Devices[i], &inv.Devices[i+1]
		a.Links = map[string]int32{b.ID: 100}
		b.Links = map[string]int32{a.ID: 100}
	}
	return inv
}
