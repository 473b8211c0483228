package sdk

import (
	"errors"
	"fmt"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

const mib = 1 << 20

// SMLUEnabled is false on a driver without sMLU calls.
func (b *Binding) SMLUEnabled(index int) (bool, error) {
	if !b.c.hasSMLU() {
		return false, nil
	}
	h, err := b.handle(index)
	if err != nil {
		return false, err
	}
	var mode int32
	if err := check("cndevGetSMLUMode", index, b.c.GetSMLUMode(h, &mode)); err != nil {
		return false, err
	}
	return mode == smluModeEnabled, nil
}

// CreatePartition reuses a profile of the same shape when the card has one,
// so profiles do not pile up; a profile it made is removed again when the
// instance cannot be made.
func (b *Binding) CreatePartition(index int, spec PartitionSpec) (Partition, error) {
	if err := checkSpec(index, spec); err != nil {
		return Partition{}, err
	}
	if !b.c.hasSMLU() {
		return Partition{}, check("cndevCreateSMluProfileInfo", index, int32(ErrorNotSupported))
	}
	h, err := b.handle(index)
	if err != nil {
		return Partition{}, err
	}
	profile, created, err := b.profileFor(index, h, spec)
	if err != nil {
		return Partition{}, err
	}
	var instance int32
	ret := b.c.CreateSMLUInstance(h, profile, &instance, nil)
	if err := check("cndevCreateSMluInstanceByProfileId", index, ret); err != nil {
		if created {
			_ = b.c.DestroySMLUProfile(h, profile) // best effort: the instance error is the one to report
		}
		return Partition{}, err
	}
	p, err := b.created(index, int(instance))
	if err != nil {
		// Best effort: an instance nobody knows of would hold the card's
		// cores and memory until someone destroyed it by hand.
		_ = b.c.DestroySMLUInstance(instance)
		if created {
			_ = b.c.DestroySMLUProfile(h, profile)
		}
		return Partition{}, err
	}
	return p, nil
}

// created reads back the instance just made.
func (b *Binding) created(index, handle int) (Partition, error) {
	parts, err := b.Partitions(index)
	if err != nil {
		return Partition{}, err
	}
	for _, p := range parts {
		if p.Handle == handle {
			return p, nil
		}
	}
	return Partition{}, fmt.Errorf("sMLU instance %d on card %d: created but not listed: %w", handle, index, sdkerr.ErrNotFound)
}

// checkSpec refuses a shape the driver would refuse, naming the rule; the
// fake uses it too, so both fail alike.
func checkSpec(index int, spec PartitionSpec) error {
	if spec.Valid() {
		return nil
	}
	return fmt.Errorf("sMLU on card %d: cores %d%% must be 1..100 and memory %d MiB a positive multiple of %d: %w",
		index, spec.CorePercent, spec.MemoryMiB, MemoryStepMiB, sdkerr.ErrInvalidArgument)
}

func (b *Binding) profileFor(index int, h int32, spec PartitionSpec) (id int32, created bool, err error) {
	ids := smluProfileIDInfo{Version: cndevVersion}
	if err := check("cndevGetSMluProfileIdInfo", index, b.c.GetSMLUProfileIDs(h, &ids)); err != nil {
		return 0, false, err
	}
	for _, pid := range ids.ProfileID[:min(int(ids.Count), smluMaxProfileCount)] {
		info := smluProfileInfo{Version: cndevVersion}
		if err := check("cndevGetSMluProfileInfo", index, b.c.GetSMLUProfileInfo(h, pid, &info)); err != nil {
			return 0, false, err
		}
		if int(info.MLUQuota[smluMax]) == spec.CorePercent && info.MemorySize[smluMax] == uint64(spec.MemoryMiB)*mib {
			return pid, false, nil
		}
	}
	set := smluSet{Version: cndevVersion}
	set.MLUQuota[smluMax] = uint32(spec.CorePercent)
	set.MemorySize[smluMax] = uint64(spec.MemoryMiB) * mib
	if err := check("cndevCreateSMluProfileInfo", index, b.c.CreateSMLUProfile(h, &set, &id)); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// Partitions lists the card's sMLU instances.
func (b *Binding) Partitions(index int) ([]Partition, error) {
	if !b.c.hasSMLU() {
		return nil, nil
	}
	h, err := b.handle(index)
	if err != nil {
		return nil, err
	}
	infos, err := b.instances(index, h)
	if err != nil {
		return nil, err
	}
	parts := make([]Partition, len(infos))
	for i, in := range infos {
		parts[i] = Partition{
			Device:     index,
			ProfileID:  int(in.ProfileID),
			InstanceID: int(in.InstanceID),
			Handle:     int(in.InstanceHandle),
			UUID:       dynlib.GoString(in.UUID[:]),
			DeviceNode: dynlib.GoString(in.DeviceName[:]),
			PartitionSpec: PartitionSpec{
				CorePercent: int(in.MLUQuota[smluMax]),
				MemoryMiB:   int(in.MemorySize[smluMax] / mib),
			},
		}
	}
	return parts, nil
}

// instances asks with room for a few, then once more with room for all the
// driver said there are.
func (b *Binding) instances(index int, h int32) ([]smluInfo, error) {
	count := int32(8)
	for range 2 {
		infos := make([]smluInfo, count)
		for i := range infos {
			infos[i].Version = cndevVersion
		}
		ret := b.c.GetAllSMLUInstances(h, &count, &infos[0])
		if Return(ret) == ErrorInsufficientSpace && count > int32(len(infos)) {
			continue
		}
		if err := check("cndevGetAllSMluInstanceInfo", index, ret); err != nil {
			return nil, err
		}
		return infos[:count], nil
	}
	return nil, check("cndevGetAllSMluInstanceInfo", index, int32(ErrorInsufficientSpace))
}

// DestroyPartition removes the instance, then its profile unless another
// instance still uses it.
func (b *Binding) DestroyPartition(index, handle int) error {
	parts, err := b.Partitions(index)
	if err != nil {
		return err
	}
	profile, found := -1, false
	for _, p := range parts {
		if p.Handle == handle {
			profile, found = p.ProfileID, true
		}
	}
	if !found {
		return check("cndevDestroySMluInstanceByHandle", index, int32(ErrorNotFound))
	}
	if err := check("cndevDestroySMluInstanceByHandle", index, b.c.DestroySMLUInstance(int32(handle))); err != nil {
		return err
	}
	for _, p := range parts {
		if p.ProfileID == profile && p.Handle != handle {
			return nil
		}
	}
	h, err := b.handle(index)
	if err != nil {
		return err
	}
	err = check("cndevDestroySMluProfileInfo", index, b.c.DestroySMLUProfile(h, int32(profile)))
	if errors.Is(err, sdkerr.ErrInUse) {
		return nil // made an instance of it since we listed: that one keeps it
	}
	return err
}
