// Package sdk owns HAMi's view of the Hygon DCU management libraries:
// librocm_smi64.so (ROCm SMI: identity, memory, utilisation, topology) and
// libhydmi.so (virtual DCUs). Library is the narrow interface the device
// plugin and monitor use; Binding implements it over the real libraries,
// loaded at run time (no cgo), and Fake implements it from a description
// file for nodes and tests without a DCU.
//
// The vDCU a container gets is a config file the plugin writes (a CU mask
// and a memory cap read by the DTK runtime), not a driver object: the
// virtual-device calls here are bound and faked so the plugin can account
// for what the driver itself has made, and because a driver may refuse to
// share a card beyond its own limit.
package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/devlib"
)

// Device files every container using a DCU needs besides its card's DRM
// nodes: the compute driver (kfd) and Hygon's management driver (mkfd).
const (
	DevKFD  = "/dev/kfd"
	DevMKFD = "/dev/mkfd"
)

// PCIVendorID is Hygon's PCI vendor id.
const PCIVendorID = 0x1d94

// Library is the part of the vendor libraries HAMi uses. Indexes are the
// library's device indexes (0..DeviceCount-1). Errors wrap *Error when the
// library returned a status, so errors.Is works against the sentinels.
type Library interface {
	devlib.Core[Device, Memory, int]
	// Healthy reports whether the device answers its queries; ROCm SMI has
	// no health call, so a device that cannot report its busy percent is
	// taken as unhealthy (a hung or lost card fails its sysfs reads).
	Healthy(index int) (bool, error)
	// Links lists the device's peers with their link kind and score.
	Links(index int) ([]Link, error)

	VirtualDevices
}

// VirtualDevices is the virtual-DCU half of Library (libhydmi.so). Where
// the library is absent (older drivers), every call returns an error
// matching sdkerr.ErrNotSupported.
type VirtualDevices interface {
	// MaxVDevices is how many virtual devices one card can hold.
	MaxVDevices() (int, error)
	// Remaining is what a card has left for new virtual devices.
	Remaining(index int) (Capacity, error)
	// CreateVDevice makes one virtual device on card index.
	CreateVDevice(index int, want Capacity) (VDevice, error)
	DestroyVDevice(id int) error
	// VDevices lists the live virtual devices of every card.
	VDevices() ([]VDevice, error)
	// VDeviceUtilization is a virtual device's busy percent.
	VDeviceUtilization(id int) (int, error)
}

// Device is one physical DCU.
type Device struct {
	Index int
	// UUID is stable for the card across reboots (from its unique id).
	UUID   string
	Serial string
	// Model is the marketing name from Models, or "DCU-<id>" when unknown.
	Model string
	// PCIDeviceID is the PCI device id (0x54b7 for a Z100).
	PCIDeviceID uint16
	// BusID is the PCI address, e.g. "0000:3d:00.0".
	BusID     string
	MemoryMiB uint64
	// ComputeUnits is the card's CU count: a vDCU's CU mask is a subset of
	// these bits.
	ComputeUnits int
	// NUMANode is -1 when unknown.
	NUMANode int
	// CardMinor and RenderMinor name /dev/dri/card<N> and
	// /dev/dri/renderD<N>.
	CardMinor   int
	RenderMinor int
}

// CardPath is the device's DRM card node.
func (d Device) CardPath() string { return fmt.Sprintf("/dev/dri/card%d", d.CardMinor) }

// RenderPath is the device's DRM render node.
func (d Device) RenderPath() string { return fmt.Sprintf("/dev/dri/renderD%d", d.RenderMinor) }

// DevicePaths are all the device files a container using this card needs.
func (d Device) DevicePaths() []string {
	return []string{DevKFD, DevMKFD, d.CardPath(), d.RenderPath()}
}

// Memory is a device's memory in MiB.
type Memory = devlib.Memory

// LinkKind is the interconnect between two devices.
type LinkKind string

// Link kinds as ROCm SMI reports them.
const (
	LinkPCIe    LinkKind = "PCIe"
	LinkXGMI    LinkKind = "XGMI"
	LinkUnknown LinkKind = "unknown"
)

// Link is the path from a device to one peer.
type Link struct {
	Peer int
	Kind LinkKind
	Hops int
	// Score is higher for faster paths (see LinkScore).
	Score int32
}

// Capacity is an amount of a card: compute units and memory.
type Capacity struct {
	ComputeUnits int
	MemoryMiB    uint64
}

// VDevice is one virtual DCU the driver made.
type VDevice struct {
	ID int
	// Device is the physical card's index.
	Device int
	Capacity
}
