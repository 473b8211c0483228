package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/fakesdk"
)

// fakeState is what the fake driver keeps across restarts.
type fakeState struct {
	VDevices []fakeVDevice `json:"vdevices,omitempty"`
}

type fakeVDevice struct {
	ID           int    `json:"id"`
	Device       int    `json:"device"`
	ComputeUnits int    `json:"computeUnits"`
	MemoryMiB    uint64 `json:"memoryMiB"`
}

func (v fakeVDevice) public() VDevice {
	return VDevice{ID: v.ID, Device: v.Device, Capacity: Capacity{ComputeUnits: v.ComputeUnits, MemoryMiB: v.MemoryMiB}}
}

// checkState refuses a state file made for another description (fewer
// cards, another limit per card): its ids would not mean the same cards.
func checkState(state *fakesdk.State[fakeState], d Description) error {
	per, cards := d.VDevicesPerCard(), d.DeviceCount()
	var err error
	state.Read(func(s fakeState) {
		for _, v := range s.VDevices {
			if v.Device < 0 || v.Device >= cards || v.ID/per != v.Device || v.ID < 0 {
				err = fmt.Errorf("virtual device %d on card %d does not fit %d cards with %d virtual devices each; remove the file to start empty", v.ID, v.Device, cards, per)
				return
			}
		}
	})
	return err
}

// dmiReady is the binding's answer where libhydmi.so is absent.
func (f *Fake) dmiReady() error {
	if f.desc.NoVirtualDevices {
		return errNoDMI
	}
	return nil
}

// MaxVDevices is the description's limit per card.
func (f *Fake) MaxVDevices() (int, error) {
	if err := f.dmiReady(); err != nil {
		return 0, err
	}
	return f.desc.VDevicesPerCard(), nil
}

// Remaining is the card less its virtual devices.
func (f *Fake) Remaining(index int) (Capacity, error) {
	if err := f.dmiReady(); err != nil {
		return Capacity{}, err
	}
	if index < 0 || index >= f.desc.DeviceCount() {
		return Capacity{}, fmt.Errorf("dmiGetDeviceRemainingInfo(%d): %w", index, dmiStatus(dmiInvalidArgs))
	}
	var left Capacity
	f.state.Read(func(s fakeState) { left = f.remaining(s, index) })
	return left, nil
}

func (f *Fake) remaining(s fakeState, index int) Capacity {
	left := Capacity{ComputeUnits: f.model.ComputeUnits, MemoryMiB: f.model.MemoryMiB}
	for _, v := range s.VDevices {
		if v.Device == index {
			left.ComputeUnits -= v.ComputeUnits
			left.MemoryMiB -= v.MemoryMiB
		}
	}
	return left
}

// CreateVDevice makes a virtual device in the card's lowest free slot, as
// the driver numbers them, if it fits what the card has left.
func (f *Fake) CreateVDevice(index int, want Capacity) (VDevice, error) {
	if err := f.dmiReady(); err != nil {
		return VDevice{}, err
	}
	if err := checkCapacity(want); err != nil {
		return VDevice{}, fmt.Errorf("create virtual device on %d: %w", index, err)
	}
	call := fmt.Sprintf("dmiCreateVDevices(%d, %d CUs, %d MiB)", index, want.ComputeUnits, want.MemoryMiB)
	if index < 0 || index >= f.desc.DeviceCount() {
		return VDevice{}, fmt.Errorf("%s: %w", call, dmiStatus(dmiInvalidArgs))
	}
	var made fakeVDevice
	err := f.state.Update(func(s *fakeState) error {
		slot, ok := f.freeSlot(*s, index)
		left := f.remaining(*s, index)
		if !ok || want.ComputeUnits > left.ComputeUnits || want.MemoryMiB > left.MemoryMiB {
			return fmt.Errorf("%s: %w", call, dmiStatus(dmiOutOfResources))
		}
		made = fakeVDevice{ID: index*f.desc.VDevicesPerCard() + slot, Device: index, ComputeUnits: want.ComputeUnits, MemoryMiB: want.MemoryMiB}
		s.VDevices = append(s.VDevices, made)
		slices.SortFunc(s.VDevices, func(a, b fakeVDevice) int { return a.ID - b.ID })
		return nil
	})
	return made.public(), err
}

// freeSlot is the card's lowest slot without a virtual device.
func (f *Fake) freeSlot(s fakeState, index int) (int, bool) {
	per := f.desc.VDevicesPerCard()
	for slot := range per {
		id := index*per + slot
		if !slices.ContainsFunc(s.VDevices, func(v fakeVDevice) bool { return v.ID == id }) {
			return slot, true
		}
	}
	return 0, false
}

// DestroyVDevice removes a virtual device.
func (f *Fake) DestroyVDevice(id int) error {
	if err := f.dmiReady(); err != nil {
		return err
	}
	return f.state.Update(func(s *fakeState) error {
		i := slices.IndexFunc(s.VDevices, func(v fakeVDevice) bool { return v.ID == id })
		if i < 0 {
			return fmt.Errorf("dmiDestroySingleVDevice(%d): %w", id, dmiStatus(dmiVDevNotExist))
		}
		s.VDevices = slices.Delete(s.VDevices, i, i+1)
		return nil
	})
}

// VDevices lists the live virtual devices by id.
func (f *Fake) VDevices() ([]VDevice, error) {
	if err := f.dmiReady(); err != nil {
		return nil, err
	}
	var out []VDevice
	f.state.Read(func(s fakeState) {
		for _, v := range s.VDevices {
			out = append(out, v.public())
		}
	})
	return out, nil
}

// VDeviceUtilization is 0 for a live virtual device: nothing runs on a fake.
func (f *Fake) VDeviceUtilization(id int) (int, error) {
	if err := f.dmiReady(); err != nil {
		return 0, err
	}
	var live bool
	f.state.Read(func(s fakeState) {
		live = slices.ContainsFunc(s.VDevices, func(v fakeVDevice) bool { return v.ID == id })
	})
	if !live {
		return 0, fmt.Errorf("dmiGetVDevBusyPercent(%d): %w", id, dmiStatus(dmiVDevNotExist))
	}
	return 0, nil
}
