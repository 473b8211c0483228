package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/fakesdk"
)

// CreatePartition makes a vNPU of template on die index when it fits the
// AI cores and memory the die's other vNPUs leave, as the driver demands;
// the errors are the ones the driver returns.
func (f *Fake) CreatePartition(index int, template string) (Partition, error) {
	if err := f.checkIndex(index); err != nil {
		return Partition{}, err
	}
	card, dev := f.addr(index)
	call := fmt.Sprintf("dcmi_create_vdevice(%d, %d, %s)", card, dev, template)
	t, ok := f.model.Template(template)
	if !ok {
		return Partition{}, callErr(call, CodeInvalidParameter)
	}
	var made Partition
	err := f.state.Update(func(s *fakeState) error {
		p, code := f.place(s, index, t)
		if code != CodeOK {
			return callErr(call, code)
		}
		if s.VNPUs == nil {
			s.VNPUs = map[uint32]Partition{}
		}
		s.VNPUs[p.ID] = p
		made = p
		return nil
	})
	if err != nil {
		return Partition{}, err
	}
	if f.opts.DevRoot != "" {
		if _, err := fakesdk.DeviceNode(f.opts.DevRoot, made.DevicePath()); err != nil {
			return made, err
		}
	}
	return made, nil
}

// place picks the vNPU's id: the first free slot, when t fits what is left.
func (f *Fake) place(s *fakeState, index int, t Template) (Partition, Code) {
	var cores int
	var mem uint64
	used := map[uint32]bool{}
	for id, p := range s.VNPUs {
		if p.DeviceIndex == index {
			cores += p.AICores
			mem += p.MemoryMiB
			used[id] = true
		}
	}
	if cores+t.AICores > f.model.AICores || mem+t.MemoryMiB > f.model.PhysicalMiB {
		return Partition{}, CodeResourceOccupied
	}
	for slot := range MaxPartitionsPerDevice {
		id := VDevID(uint32(index), slot)
		if !used[id] {
			return Partition{ID: id, DeviceIndex: index, Template: t.Name, MemoryMiB: t.MemoryMiB, AICores: t.AICores, VFGID: uint32(slot)}, CodeOK
		}
	}
	return Partition{}, CodeResourceOccupied
}

// DestroyPartition removes vNPU id of die index; an id the die does not
// have fails as the driver does.
func (f *Fake) DestroyPartition(index int, id uint32) error {
	if err := f.checkIndex(index); err != nil {
		return err
	}
	card, dev := f.addr(index)
	call := fmt.Sprintf("dcmi_set_destroy_vdevice(%d, %d, %d)", card, dev, id)
	err := f.state.Update(func(s *fakeState) error {
		if p, ok := s.VNPUs[id]; !ok || p.DeviceIndex != index {
			return callErr(call, CodeDeviceNotExist)
		}
		delete(s.VNPUs, id)
		return nil
	})
	if err != nil {
		return err
	}
	if f.opts.DevRoot != "" {
		return fakesdk.RemoveDeviceNode(f.opts.DevRoot, VirtualDevicePath(id))
	}
	return nil
}

// Partitions are the vNPUs of die index, by id.
func (f *Fake) Partitions(index int) ([]Partition, error) {
	if err := f.checkIndex(index); err != nil {
		return nil, err
	}
	var out []Partition
	f.state.Read(func(s fakeState) {
		for _, p := range s.VNPUs {
			if p.DeviceIndex == index {
				out = append(out, p)
			}
		}
	})
	slices.SortFunc(out, func(a, b Partition) int { return int(a.ID) - int(b.ID) })
	return out, nil
}
