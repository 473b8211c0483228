// Package sdk owns this project's view of the Moore Threads management
// library (libmtml.so): a narrow Library interface with plain Go values, a
// run-time binding of the real library (Binding, no cgo), and a fake driven
// by a description file (Fake) for nodes and tests without the hardware.
//
// Partitioning on Moore Threads GPUs is sGPU, made by the kernel driver when
// a container that was given limits opens the device. The vendor toolkit is
// closed, so the model here is inferred: memory is cut in fixed slices of
// 512 MiB units, only 2, 4, 8, 16, 32, 64 or 96 units, and compute in 1/16
// core groups. MTML reports the virtual device types a GPU supports and how
// many virtual devices are active; no public call creates or destroys one,
// so this package has no create or destroy either.
package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/devlib"
)

// Library is the part of MTML the device plugin needs. Devices are named by
// their MTML index, 0..DeviceCount()-1.
type Library interface {
	// Core's Init loads the driver's state; every other call needs it.
	devlib.Core[Device, Memory, int]
	// Healthy reports whether the device answers; MTML has no health
	// events, so this is polled.
	Healthy(index int) (bool, error)
	// Links are the device's paths to every other device, in peer order.
	Links(index int) ([]Link, error)
	// VirtTypes are the sGPU types the device supports.
	VirtTypes(index int) ([]VirtType, error)
	// ActiveVirtDevices counts the sGPUs the driver holds on the device.
	ActiveVirtDevices(index int) (int, error)
}

// Device is one physical GPU's identity.
type Device struct {
	Index  int
	UUID   string
	Name   string // the model, e.g. "MTT S4000"
	Serial string // empty when the driver does not report one
	// Minor is N of /dev/mtgpu.<N>. The mtgpu driver numbers its nodes
	// in probe order, which is the order MTML enumerates, so it is the
	// MTML index.
	Minor int
	// DRMCard and DRMRender are N of /dev/dri/card<N> and
	// /dev/dri/renderD<N>; -1 when unknown. They are not derived from the
	// index: a server's BMC display usually holds card0.
	DRMCard   int
	DRMRender int
	PCI       PCI
	// NUMANode is -1 when the platform has none.
	NUMANode int
}

// PCI is where a device sits on the bus.
type PCI struct {
	BusID    string // "0000:3b:00.0"
	DeviceID uint16
	VendorID uint16
}

// VendorID is Moore Threads' PCI vendor id.
const VendorID uint16 = 0x1ed5

// DeviceNodes are the device files a container needs for d, in the order a
// runtime should create them; DRM nodes whose number is unknown are left out.
func (d Device) DeviceNodes() []string {
	nodes := []string{fmt.Sprintf("/dev/mtgpu.%d", d.Minor)}
	if d.DRMCard >= 0 {
		nodes = append(nodes, fmt.Sprintf("/dev/dri/card%d", d.DRMCard))
	}
	if d.DRMRender >= 0 {
		nodes = append(nodes, fmt.Sprintf("/dev/dri/renderD%d", d.DRMRender))
	}
	return nodes
}

// Memory is a device's memory in MiB.
type Memory = devlib.Memory

// LinkKind is how two devices reach each other.
type LinkKind string

// Link kinds, fastest first.
const (
	LinkMTLink     LinkKind = "MTLink"
	LinkPCIeSwitch LinkKind = "PCIeSwitch" // same board or one PCIe switch
	LinkPCIeMulti  LinkKind = "PCIeMulti"  // several switches, no host bridge
	LinkHostBridge LinkKind = "HostBridge" // through one host bridge
	LinkNUMANode   LinkKind = "NUMANode"   // host bridges of one NUMA node
	LinkSystem     LinkKind = "System"     // across NUMA nodes
)

// Link is the best path from a device to Peer (an MTML index).
type Link struct {
	Peer  int
	Kind  LinkKind
	Score int32
	// MTLinks counts the MTLink ports that are up between the two.
	MTLinks int
}

// VirtType is one kind of sGPU a device supports.
type VirtType struct {
	ID           string
	Name         string
	MemoryMiB    uint64
	MaxInstances int
}

// Interface checks.
var (
	_ Library = (*Binding)(nil)
	_ Library = (*Fake)(nil)
)
