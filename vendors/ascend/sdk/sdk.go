// Package sdk owns HAMi's view of Huawei's Ascend management library, DCMI
// (libdcmi.so): a narrow Library interface over the calls HAMi needs
// (devices, memory, health, HCCS links, vNPU templates and vNPUs), the real
// binding that loads libdcmi.so at run time without cgo, and a fake driven
// by a description file for tests and the demo. Both return the same
// errors, so code above this package cannot tell them apart.
package sdk

import "github.com/hami-project/hami/common/devlib"

// Library is what HAMi uses of DCMI. Devices are addressed by index, the
// order of their logic ids; a vNPU (partition) by its vdevice id.
type Library interface {
	// Core's devices are the NPU dies; Utilization is the AI cores'.
	devlib.Core[Device, Memory, int]
	// Health is the device's health level.
	Health(index int) (Health, error)
	// NUMANode is the device's NUMA node, -1 when unknown.
	NUMANode(index int) (int, error)
	// Links are the device's peers and how they are connected.
	Links(index int) ([]Link, error)
	// Templates are the vNPU templates the device can be cut into.
	Templates(index int) ([]Template, error)
	// Partitioner's partitions are vNPUs, made from a template's name
	// and named by their vdevice id.
	devlib.Partitioner[string, Partition, uint32]
}

// Device is one NPU die as DCMI reports it.
type Device struct {
	// Index is the position in logic-id order.
	Index int
	// LogicID and PhyID are DCMI's two numberings; the device node is
	// /dev/davinci<PhyID> and ASCEND_VISIBLE_DEVICES takes physical ids.
	LogicID uint32
	PhyID   uint32
	// CardID and DeviceID address the die in DCMI calls.
	CardID   int
	DeviceID int
	// UUID is the die id, formatted; it is stable across reboots.
	UUID string
	// Model is the resolved model name (a key of Models, e.g. "910B3"),
	// or the chip name DCMI reported when it is not one we know.
	Model string
	// ChipType and ChipVersion are what DCMI reports ("Ascend", "V1").
	ChipType    string
	ChipVersion string
	// AICores is the die's AI-core count.
	AICores int
	// Serial is the board serial number, empty when the library does not
	// report one.
	Serial string
}

// DevicePath is the device node of a physical NPU.
func (d Device) DevicePath() string { return PhysicalDevicePath(d.PhyID) }

// Memory is a device's memory in MiB. DCMI reports MB meaning MiB.
type Memory = devlib.Memory

// Health is DCMI's health level of a device.
type Health uint32

// Health levels. A minor alarm still serves work.
const (
	HealthOK       Health = 0
	HealthMinor    Health = 1
	HealthMajor    Health = 2
	HealthCritical Health = 3
)

// Healthy says whether the device should take work.
func (h Health) Healthy() bool { return h == HealthOK || h == HealthMinor }

// LinkKind is how two NPUs are connected.
type LinkKind string

// Link kinds, best first.
const (
	LinkHCCS LinkKind = "HCCS"
	LinkPCIe LinkKind = "PCIe"
)

// Link is a connection from a device to a peer.
type Link struct {
	// Peer is the peer's device index.
	Peer int
	Kind LinkKind
	// Score ranks links for placement; higher is better.
	Score int
}

// Template is a vNPU template: a fixed slice of a device.
type Template struct {
	Name      string
	MemoryMiB uint64
	AICores   int
}

// Partition is a vNPU made from a template.
type Partition struct {
	// ID is the vdevice id; the node is /dev/vdavinci<ID>.
	ID uint32
	// DeviceIndex is the physical device the vNPU lives on.
	DeviceIndex int
	Template    string
	MemoryMiB   uint64
	AICores     int
	// VFGID is the virtual function group the driver put it in.
	VFGID uint32
}

// DevicePath is the vNPU's device node.
func (p Partition) DevicePath() string { return VirtualDevicePath(p.ID) }

// Control device nodes every Ascend container needs beside its davinci node.
const (
	DevDavinciManager = "/dev/davinci_manager"
	DevDevmmSVM       = "/dev/devmm_svm"
	DevHisiHDC        = "/dev/hisi_hdc"
)

// ControlDevicePaths are the nodes every container using an NPU mounts.
func ControlDevicePaths() []string {
	return []string{DevDavinciManager, DevDevmmSVM, DevHisiHDC}
}
