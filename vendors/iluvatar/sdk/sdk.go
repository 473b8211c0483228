// Package sdk owns HAMi's view of Iluvatar CoreX's management library,
// libixml.so: a narrow Library interface over the calls the device plugin
// and the monitor need (identity, memory, utilisation, health, topology),
// the real binding loaded at run time (Open), and a fake driven by a
// description file (NewFake) for tests and the demo fleet.
//
// Iluvatar chips are not partitioned by the driver: HAMi limits a tenant by
// interposing a library in the vendor's CUDA-compatible stack, so this
// package has no partition calls. Each chip is one device; the two chips
// of a BI-V150 board are two devices linked as LinkBoard.
//
// The C names, layouts and codes are this project's reconstruction of the
// closed library (NVML-shaped, ixml-prefixed), written down in
// testdata/ixml.h.
package sdk

import (
	"strings"

	"github.com/hami-project/hami/common/devlib"
)

// Library is the management library, real or fake. Devices are addressed
// by index, 0 to DeviceCount()-1. Every call but Init fails with
// sdkerr.ErrUninitialized before Init or after Shutdown.
type Library interface {
	// Core's Device is the chip's identity; it does not change while the
	// driver is loaded.
	devlib.Core[Device, Memory, Utilization]
	Health(index int) (Health, error)
	// Links lists every other chip with how it is reached from index,
	// ordered by peer index.
	Links(index int) ([]Link, error)
}

// Device is one chip's identity.
type Device struct {
	Index int
	// UUID is the chip's stable id, e.g. "GPU-xxxxxxxx-...".
	UUID string
	// Minor is the N of the chip's device file /dev/iluvatar<N>.
	Minor int
	// Name is the model as the library reports it, e.g. "Iluvatar BI-V150".
	Name   string
	Serial string
	// NUMANode is -1 when unknown (a driver without the call).
	NUMANode int
}

// namePrefix is what the library puts before the chip name in Name.
const namePrefix = "Iluvatar "

// Chip is the model without the vendor prefix, e.g. "BI-V150": the form the
// per-chip resource names use (iluvatar.ai/BI-V150-vgpu).
func (d Device) Chip() string {
	return strings.TrimSpace(strings.TrimPrefix(d.Name, namePrefix))
}

// DevicePath is the chip's device file under /dev.
func (d Device) DevicePath() string { return DeviceFile(d.Minor) }

// Memory is a chip's device memory in MiB.
type Memory struct {
	TotalMiB uint64
	UsedMiB  uint64
	FreeMiB  uint64
}

// Utilization is the percent of the last sample period the chip and its
// memory controller were busy.
type Utilization struct {
	GPUPercent    int
	MemoryPercent int
}
