package sdk

import (
	"strconv"

	"github.com/hami-project/hami/common/fakesdk"
)

// fakeState is what the fake driver keeps across plugin restarts. It is
// stored state, read back leniently.
type fakeState struct {
	Instances []fakeInstance `json:"instances,omitempty"`
	// NextInstance and NextProfile number each card's instances and
	// profiles from 1, never reusing a number, as the driver does.
	NextInstance map[int]int `json:"nextInstance,omitempty"`
	NextProfile  map[int]int `json:"nextProfile,omitempty"`
	// Created counts every instance ever made, to seed fresh UUIDs.
	Created int `json:"created,omitempty"`
}

type fakeInstance struct {
	Device      int    `json:"device"`
	ProfileID   int    `json:"profileID"`
	InstanceID  int    `json:"instanceID"`
	UUID        string `json:"uuid"`
	CorePercent int    `json:"corePercent"`
	MemoryMiB   int    `json:"memoryMiB"`
}

// instanceHandle is how the fake (and the C mock) number instance handles:
// unique per node, and the card can be read back from it.
func instanceHandle(card, instance int) int { return (card+1)<<16 | instance }

func (in fakeInstance) partition() Partition {
	return Partition{
		Device:        in.Device,
		ProfileID:     in.ProfileID,
		InstanceID:    in.InstanceID,
		Handle:        instanceHandle(in.Device, in.InstanceID),
		UUID:          in.UUID,
		DeviceNode:    InstanceNode(in.Device, in.InstanceID),
		PartitionSpec: PartitionSpec{CorePercent: in.CorePercent, MemoryMiB: in.MemoryMiB},
	}
}

// CreatePartition makes an sMLU instance when it fits what the card's other
// instances leave free: cores add up to 100 percent at most, memory to the
// card's, and a card holds at most the model's MaxPartitions.
func (f *Fake) CreatePartition(index int, spec PartitionSpec) (Partition, error) {
	if err := f.card(index); err != nil {
		return Partition{}, err
	}
	if err := checkSpec(index, spec); err != nil {
		return Partition{}, err
	}
	if on, _ := f.SMLUEnabled(index); !on {
		return Partition{}, check("cndevCreateSMluProfileInfo", index, int32(ErrorNotSupported))
	}
	var made fakeInstance
	err := f.state.Update(func(s *fakeState) error {
		if !f.fits(s, index, spec) {
			return check("cndevCreateSMluInstanceByProfileId", index, int32(ErrorInsufficientSpace))
		}
		made = s.add(index, spec, f.desc.Seed)
		return nil
	})
	if err != nil {
		return Partition{}, err
	}
	if f.devRoot != "" {
		if _, err := fakesdk.DeviceNode(f.devRoot, InstanceNode(index, made.InstanceID)); err != nil {
			return Partition{}, err
		}
	}
	return made.partition(), nil
}

func (f *Fake) fits(s *fakeState, index int, spec PartitionSpec) bool {
	cores, mem, n := spec.CorePercent, spec.MemoryMiB, 1
	for _, in := range s.Instances {
		if in.Device == index {
			cores, mem, n = cores+in.CorePercent, mem+in.MemoryMiB, n+1
		}
	}
	return cores <= 100 && mem <= f.model.MemoryMiB && n <= f.model.MaxPartitions
}

// add records a new instance, reusing the profile of a live instance of the
// same shape as the Binding does.
func (s *fakeState) add(index int, spec PartitionSpec, seed string) fakeInstance {
	if s.NextInstance == nil {
		s.NextInstance, s.NextProfile = map[int]int{}, map[int]int{}
	}
	profile := 0
	for _, in := range s.Instances {
		if in.Device == index && in.CorePercent == spec.CorePercent && in.MemoryMiB == spec.MemoryMiB {
			profile = in.ProfileID
		}
	}
	if profile == 0 {
		s.NextProfile[index]++
		profile = s.NextProfile[index]
	}
	s.NextInstance[index]++
	s.Created++
	in := fakeInstance{
		Device: index, ProfileID: profile, InstanceID: s.NextInstance[index],
		UUID:        fakesdk.UUID("", seed+"/smlu", s.Created),
		CorePercent: spec.CorePercent, MemoryMiB: spec.MemoryMiB,
	}
	s.Instances = append(s.Instances, in)
	return in
}

// DestroyPartition removes the instance with handle from the card.
func (f *Fake) DestroyPartition(index, handle int) error {
	if err := f.card(index); err != nil {
		return err
	}
	var gone fakeInstance
	err := f.state.Update(func(s *fakeState) error {
		for i, in := range s.Instances {
			if in.Device == index && instanceHandle(in.Device, in.InstanceID) == handle {
				gone = in
				s.Instances = append(s.Instances[:i], s.Instances[i+1:]...)
				return nil
			}
		}
		return check("cndevDestroySMluInstanceByHandle", index, int32(ErrorNotFound))
	})
	if err != nil || f.devRoot == "" {
		return err
	}
	return fakesdk.RemoveDeviceNode(f.devRoot, InstanceNode(index, gone.InstanceID))
}

// Partitions lists the card's instances, oldest first.
func (f *Fake) Partitions(index int) ([]Partition, error) {
	if err := f.card(index); err != nil {
		return nil, err
	}
	var out []Partition
	f.state.Read(func(s fakeState) {
		for _, in := range s.Instances {
			if in.Device == index {
				out = append(out, in.partition())
			}
		}
	})
	return out, nil
}

// String names the fake in logs.
func (f *Fake) String() string {
	return "fake " + f.model.Name + " x" + strconv.Itoa(f.count)
}
