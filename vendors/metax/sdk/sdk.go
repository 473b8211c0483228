// Package sdk owns HAMi's access to MetaX's management library
// (libmxsml.so): a narrow Library interface over the calls HAMi needs
// (identity, memory, utilisation, health, MetaXLink topology, sGPU
// partitions and the device's scheduling class), the real binding loaded at
// run time without cgo, and a fake driven by a description file for tests
// and the demo. Both return the same errors, so callers cannot tell them
// apart.
package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/devlib"
)

// Library is what HAMi asks of MetaX's management library. Devices are
// addressed by index, 0..DeviceCount()-1.
type Library interface {
	// Core's Utilization is the busy percentage of the compute cores.
	devlib.Core[Device, Memory, int]
	// Health is false when the device stopped answering (lost); an error
	// means the question itself failed.
	Health(index int) (bool, error)
	// Links lists the device's peers with the kind and score of the fastest
	// path to each.
	Links(index int) ([]Link, error)
	// SgpuEnabled reports whether the driver runs the device in sGPU mode.
	SgpuEnabled(index int) (bool, error)
	// CreateSgpu carves an sGPU of memoryMiB (a multiple of SgpuMemoryStepMiB)
	// and computePercent (1..100) out of the device.
	CreateSgpu(index int, memoryMiB uint64, computePercent int) (Partition, error)
	RemoveSgpu(index, id int) error
	Sgpus(index int) ([]Partition, error)
	SetSgpuComputeQuota(index, id, computePercent int) error
	SchedClass(index int) (SchedClass, error)
}

// Device is one physical MetaX GPU.
type Device struct {
	Index int
	UUID  string
	// Model is the name the driver reports, e.g. "C500".
	Model  string
	Serial string
	BusID  string
	// CardMinor and RenderMinor number the DRM nodes /dev/dri/card<N> and
	// /dev/dri/renderD<N>.
	CardMinor   int
	RenderMinor int
	// NUMANode is -1 when unknown.
	NUMANode int
}

// ControlDevice is the device file every MetaX container needs.
const ControlDevice = "/dev/mxcd"

// DeviceFiles are the files a container using d needs.
func (d Device) DeviceFiles() []string {
	return []string{
		ControlDevice,
		fmt.Sprintf("/dev/dri/card%d", d.CardMinor),
		fmt.Sprintf("/dev/dri/renderD%d", d.RenderMinor),
	}
}

// Memory is a device's memory in MiB, as the device reports it (models
// differ: never assume 64 GiB).
type Memory struct {
	TotalMiB uint64
	UsedMiB  uint64
}

// LinkKind is how two devices reach each other.
type LinkKind string

// Link kinds, fastest first.
const (
	LinkMetaXLink  LinkKind = "metaxlink"
	LinkPCIeSwitch LinkKind = "pcie-switch"
	LinkPCIeMulti  LinkKind = "pcie-multi-switch"
	LinkHostBridge LinkKind = "pcie-host-bridge"
	LinkNUMANode   LinkKind = "numa-node"
	LinkSystem     LinkKind = "system"
)

// Score of the kind (higher is faster, on the same scale as the other
// vendors': a fast GPU link 100, PCIe by how far up the tree the path
// meets); 0 when unknown.
func (k LinkKind) Score() int {
	switch k {
	case LinkMetaXLink:
		return 100
	case LinkPCIeSwitch:
		return 60
	case LinkPCIeMulti:
		return 50
	case LinkHostBridge:
		return 40
	case LinkNUMANode:
		return 30
	case LinkSystem:
		return 10
	default:
		return 0
	}
}

// Link is the fastest path from a device to Peer.
type Link struct {
	Peer  int
	Kind  LinkKind
	Score int
}

// Partition is one sGPU carved out of a device.
type Partition struct {
	// ID is the driver's sGPU id, unique on its device.
	ID             int
	Device         int
	MemoryMiB      uint64
	ComputePercent int
	MemoryUsedMiB  uint64
}

// Limits the driver enforces on sGPUs.
const (
	// SgpuMemoryStepMiB is the granularity of an sGPU's memory.
	SgpuMemoryStepMiB = 128
	// MaxSgpusPerDevice is how many sGPUs one device holds at most.
	MaxSgpusPerDevice = 16
	// FullCompute is a whole device's compute, in percent.
	FullCompute = 100
)

// SgpuMemory rounds mib up to the sGPU memory granularity.
func SgpuMemory(mib uint64) uint64 {
	return (mib + SgpuMemoryStepMiB - 1) / SgpuMemoryStepMiB * SgpuMemoryStepMiB
}

// SchedClass is how a device shares compute between its sGPUs; the names
// are the values of the metax-tech.com/sgpu-qos-policy annotation.
type SchedClass string

// Scheduling classes.
const (
	SchedBestEffort SchedClass = "best-effort"
	SchedFixedShare SchedClass = "fixed-share"
	SchedBurstShare SchedClass = "burst-share"
)

// schedClasses are the classes in the driver's numbering.
func schedClasses() []SchedClass {
	return []SchedClass{SchedBestEffort, SchedFixedShare, SchedBurstShare}
}

// Valid reports whether c is a known class.
func (c SchedClass) Valid() bool {
	return slices.Contains(schedClasses(), c)
}

func schedClassOf(code int32) (SchedClass, error) {
	all := schedClasses()
	if code < 0 || int(code) >= len(all) {
		return "", fmt.Errorf("scheduling class %d: %w", code, ErrUnknownValue)
	}
	return all[code], nil
}
