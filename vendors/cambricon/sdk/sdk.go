// Package sdk owns HAMi's view of Cambricon's management library
// (libcndev.so): a narrow Library interface with plain Go values, the real
// binding that loads the library at run time (no cgo, no vendor headers at
// build time), and a fake built from a description file for tests and the
// demo. sMLU partitions (a profile of cores percent and memory, then an
// instance of it) are created, listed and destroyed through it.
package sdk

import (
	"strconv"

	"github.com/hami-project/hami/common/devlib"
)

// Library is what the device plugin needs from CNDev. Devices are named by
// their index (0..DeviceCount-1). Every error wraps a *Error carrying the
// CNDev return code, so errors.Is against the sentinels works on the real
// library and on the fake alike.
type Library interface {
	// Core's Utilization is the card's average core utilisation.
	devlib.Core[Device, Memory, int]
	Healthy(index int) (bool, error)
	// NUMANode is -1 where the platform has none.
	NUMANode(index int) (int, error)
	// Links lists the card's MLU-Link peers; a card missing from it is
	// reached over PCIe.
	Links(index int) ([]Link, error)
	// SMLUEnabled says whether the card is in sMLU mode, which partitions
	// need.
	SMLUEnabled(index int) (bool, error)
	// Partitioner's partitions are sMLU instances: CreatePartition makes
	// the profile of spec too when none of that shape exists, and
	// DestroyPartition (by instance handle) removes the profile once no
	// instance uses it.
	devlib.Partitioner[PartitionSpec, Partition, int]
}

// Device is a card's identity.
type Device struct {
	Index int
	// Minor numbers the card's device files (DeviceFiles).
	Minor  int
	UUID   string
	Model  string
	Serial string
}

// Memory of a card, in MiB.
type Memory struct {
	TotalMiB int
	UsedMiB  int
}

// LinkKind is how two cards are connected.
type LinkKind string

// LinkMLULink is Cambricon's card-to-card interconnect.
const LinkMLULink LinkKind = "mlulink"

// Link is a card's connection to one peer.
type Link struct {
	Peer int
	Kind LinkKind
	// Ports is how many active ports reach the peer: more is faster.
	Ports int
}

// MemoryStepMiB is the granularity of sMLU memory.
const MemoryStepMiB = 256

// PartitionSpec is the share of a card an sMLU instance gets.
type PartitionSpec struct {
	// CorePercent of the card's compute, 1..100.
	CorePercent int
	// MemoryMiB, a positive multiple of MemoryStepMiB.
	MemoryMiB int
}

// Valid reports whether the driver would accept spec's shape (not whether
// it fits a card).
func (s PartitionSpec) Valid() bool {
	return s.CorePercent >= 1 && s.CorePercent <= 100 && s.MemoryMiB > 0 && s.MemoryMiB%MemoryStepMiB == 0
}

// Partition is a live sMLU instance.
type Partition struct {
	Device     int
	ProfileID  int
	InstanceID int
	// Handle names the instance to DestroyPartition.
	Handle int
	UUID   string
	// DeviceNode is the instance's device file, e.g.
	// /dev/cambricon-caps/cap_dev0_mi1.
	DeviceNode string
	PartitionSpec
}

// DeviceFiles are the files the driver makes for the card with minor: the
// device itself and its inter-process channel.
func DeviceFiles(minor int) []string {
	n := strconv.Itoa(minor)
	return []string{"/dev/cambricon_dev" + n, "/dev/cambricon_ipcm" + n}
}

// InstanceNode is the device file of sMLU instance on card minor.
func InstanceNode(minor, instance int) string {
	return "/dev/cambricon-caps/cap_dev" + strconv.Itoa(minor) + "_mi" + strconv.Itoa(instance)
}

var (
	_ Library = (*Binding)(nil)
	_ Library = (*Fake)(nil)
)
