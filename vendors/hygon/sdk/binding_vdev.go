package sdk

import (
	"errors"
	"fmt"
	"math"

	"github.com/hami-project/hami/common/sdkerr"
)

// MaxVDevices is how many virtual devices one card can hold.
func (b *Binding) MaxVDevices() (int, error) {
	if b.dmiLib == nil {
		return 0, b.dmiErr
	}
	var n int32
	if err := dmiStatus(b.dmi.MaxVDevices(&n)); err != nil {
		return 0, fmt.Errorf("dmiGetMaxVDeviceCount: %w", err)
	}
	return int(n), nil
}

// Remaining is what card index has left for new virtual devices.
func (b *Binding) Remaining(index int) (Capacity, error) {
	if b.dmiLib == nil {
		return Capacity{}, b.dmiErr
	}
	var cus, mem uintptr
	dev, ok := cInt(index)
	if !ok {
		return Capacity{}, fmt.Errorf("dmiGetDeviceRemainingInfo(%d): %w", index, dmiStatus(dmiInvalidArgs))
	}
	if err := dmiStatus(b.dmi.Remaining(dev, &cus, &mem)); err != nil {
		return Capacity{}, fmt.Errorf("dmiGetDeviceRemainingInfo(%d): %w", index, err)
	}
	return Capacity{ComputeUnits: int(cus), MemoryMiB: uint64(mem) >> 20}, nil
}

// CreateVDevice makes one virtual device on card index and returns it.
func (b *Binding) CreateVDevice(index int, want Capacity) (VDevice, error) {
	if b.dmiLib == nil {
		return VDevice{}, b.dmiErr
	}
	if err := checkCapacity(want); err != nil {
		return VDevice{}, fmt.Errorf("create virtual device on %d: %w", index, err)
	}
	dev, ok := cInt(index)
	if !ok {
		return VDevice{}, fmt.Errorf("dmiCreateVDevices(%d, %d CUs, %d MiB): %w", index, want.ComputeUnits, want.MemoryMiB, dmiStatus(dmiInvalidArgs))
	}
	b.createMu.Lock()
	defer b.createMu.Unlock()
	before, err := b.VDevices()
	if err != nil {
		return VDevice{}, err
	}
	cus, mem := int32(want.ComputeUnits), int32(want.MemoryMiB)
	if err := dmiStatus(b.dmi.CreateVDevices(dev, 1, &cus, &mem)); err != nil {
		return VDevice{}, fmt.Errorf("dmiCreateVDevices(%d, %d CUs, %d MiB): %w", index, cus, mem, err)
	}
	after, err := b.VDevices()
	if err != nil {
		return VDevice{}, err
	}
	return newVDevice(index, before, after)
}

// checkCapacity refuses what cannot be passed to the library as C ints.
func checkCapacity(c Capacity) error {
	if c.ComputeUnits <= 0 || c.ComputeUnits > math.MaxInt32 {
		return fmt.Errorf("%d compute units: %w", c.ComputeUnits, sdkerr.ErrInvalidArgument)
	}
	if c.MemoryMiB == 0 || c.MemoryMiB > math.MaxInt32 {
		return fmt.Errorf("%d MiB: %w", c.MemoryMiB, sdkerr.ErrInvalidArgument)
	}
	return nil
}

// newVDevice is the one virtual device of card index in after but not in
// before.
func newVDevice(index int, before, after []VDevice) (VDevice, error) {
	known := make(map[int]bool, len(before))
	for _, v := range before {
		known[v.ID] = true
	}
	for _, v := range after {
		if !known[v.ID] && v.Device == index {
			return v, nil
		}
	}
	return VDevice{}, fmt.Errorf("dmiCreateVDevices(%d) succeeded but no new virtual device is listed", index)
}

// DestroyVDevice removes one virtual device.
func (b *Binding) DestroyVDevice(id int) error {
	if b.dmiLib == nil {
		return b.dmiErr
	}
	vid, ok := cInt(id)
	if !ok {
		return fmt.Errorf("dmiDestroySingleVDevice(%d): %w", id, dmiStatus(dmiVDevNotExist))
	}
	if err := dmiStatus(b.dmi.DestroyVDevice(vid)); err != nil {
		return fmt.Errorf("dmiDestroySingleVDevice(%d): %w", id, err)
	}
	return nil
}

// VDevices lists the live virtual devices. The library numbers them below
// cards * max per card; the probe stops once it has found as many as the
// library counts.
func (b *Binding) VDevices() ([]VDevice, error) {
	if b.dmiLib == nil {
		return nil, b.dmiErr
	}
	var cards, perCard, live int32
	if err := dmiStatus(b.dmi.DeviceCount(&cards)); err != nil {
		return nil, fmt.Errorf("dmiGetDeviceCount: %w", err)
	}
	if err := dmiStatus(b.dmi.MaxVDevices(&perCard)); err != nil {
		return nil, fmt.Errorf("dmiGetMaxVDeviceCount: %w", err)
	}
	if err := dmiStatus(b.dmi.VDeviceCount(&live)); err != nil {
		return nil, fmt.Errorf("dmiGetVDeviceCount: %w", err)
	}
	var out []VDevice
	for id := int32(0); id < cards*perCard && len(out) < int(live); id++ {
		var info dmiDeviceInfo
		err := dmiStatus(b.dmi.VDeviceInfo(id, &info))
		if errors.Is(err, sdkerr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("dmiGetVDeviceInfo(%d): %w", id, err)
		}
		out = append(out, VDevice{ID: int(id), Device: int(info.DeviceID), Capacity: Capacity{
			ComputeUnits: int(info.ComputeUnitCount), MemoryMiB: uint64(info.GlobalMemSize) >> 20,
		}})
	}
	return out, nil
}

// VDeviceUtilization is a virtual device's busy percent.
func (b *Binding) VDeviceUtilization(id int) (int, error) {
	if b.dmiLib == nil {
		return 0, b.dmiErr
	}
	var busy int32
	vid, ok := cInt(id)
	if !ok {
		return 0, fmt.Errorf("dmiGetVDevBusyPercent(%d): %w", id, dmiStatus(dmiVDevNotExist))
	}
	if err := dmiStatus(b.dmi.VDevBusy(vid, &busy)); err != nil {
		return 0, fmt.Errorf("dmiGetVDevBusyPercent(%d): %w", id, err)
	}
	return int(busy), nil
}
