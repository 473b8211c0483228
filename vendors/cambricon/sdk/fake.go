package sdk

import (
	"fmt"
	"slices"
	"sync"

	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFakeState is the apiVersion of the fake driver's state file.
const APIVersionFakeState = "state.fake.cambricon.hami.io/v1"

// FakeOptions are where the fake keeps the sMLU instances (StatePath) and
// makes the device files the driver would (DevRoot/dev/cambricon_dev0, ...).
type FakeOptions = fakesdk.Options

// Fake is Library over a description instead of a driver. It enforces what
// the driver enforces and fails with the same errors as the Binding.
type Fake struct {
	desc    Description
	model   Model
	count   int
	devRoot string
	state   *fakesdk.State[fakeState]

	// Session gives Init and Shutdown: the driver keeps its partitions
	// across them.
	fakesdk.Session

	// mu guards healthy, which tests change at run time.
	mu      sync.Mutex
	healthy []bool
}

// NewFake builds the fake of desc, reloading the sMLU instances a previous
// run left in opts.StatePath and making the device files under opts.DevRoot.
func NewFake(desc Description, opts FakeOptions) (*Fake, error) {
	if err := desc.Validate(); err != nil {
		return nil, fmt.Errorf("fake cambricon: %w", err)
	}
	model, _ := LookupModel(desc.Model)
	st, err := fakesdk.OpenState[fakeState](opts.StatePath, APIVersionFakeState)
	if err != nil {
		return nil, err
	}
	f := &Fake{desc: desc, model: model, count: desc.DeviceCount(), devRoot: opts.DevRoot, state: st}
	f.healthy = make([]bool, f.count)
	for i := range f.healthy {
		f.healthy[i] = !slices.Contains(desc.Unhealthy, i)
	}
	if err := f.makeDeviceFiles(); err != nil {
		return nil, err
	}
	return f, nil
}

// OpenFake builds the fake from the description file at path.
func OpenFake(path string, opts FakeOptions) (*Fake, error) {
	d, err := LoadDescription(path)
	if err != nil {
		return nil, err
	}
	return NewFake(d, opts)
}

func (f *Fake) makeDeviceFiles() error {
	if f.devRoot == "" {
		return nil
	}
	for i := range f.count {
		for _, name := range DeviceFiles(i) {
			if _, err := fakesdk.DeviceNode(f.devRoot, name); err != nil {
				return err
			}
		}
	}
	var err error
	f.state.Read(func(s fakeState) {
		for _, in := range s.Instances {
			if _, e := fakesdk.DeviceNode(f.devRoot, InstanceNode(in.Device, in.InstanceID)); e != nil && err == nil {
				err = e
			}
		}
	})
	return err
}

// SetHealthy changes a card's health, as an XID-like fault or its recovery
// would. CNDev's health is polled, so the next Healthy call sees it.
func (f *Fake) SetHealthy(index int, healthy bool) error {
	if err := f.card(index); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.healthy[index] = healthy
	return nil
}

// card fails as the Binding does before Init and for an unknown index:
// both come from the first call it makes, cndevGetDeviceHandleByIndex.
func (f *Fake) card(index int) error {
	r := fakesdk.Refuse(&f.Session, index, f.count, Success, ErrorUninitialized, ErrorInvalidDeviceID)
	return check("cndevGetDeviceHandleByIndex", index, int32(r))
}

// DeviceCount is the description's card count.
func (f *Fake) DeviceCount() (int, error) {
	if !f.Session.IsOpen() {
		return 0, check("cndevGetDeviceCount", 0, int32(ErrorUninitialized))
	}
	return f.count, nil
}

// Device is the card's identity, stable for the description's seed.
func (f *Fake) Device(index int) (Device, error) {
	if err := f.card(index); err != nil {
		return Device{}, err
	}
	return Device{
		Index:  index,
		Minor:  index,
		UUID:   fakesdk.UUID("MLU-", f.desc.Seed, index),
		Model:  f.model.Name,
		Serial: fakesdk.Serial("", f.desc.Seed, index),
	}, nil
}

// Memory is the model's memory. Nothing runs on a fake card, so none is
// used; sMLU instances reserve memory, they do not use it.
func (f *Fake) Memory(index int) (Memory, error) {
	if err := f.card(index); err != nil {
		return Memory{}, err
	}
	return Memory{TotalMiB: f.model.MemoryMiB}, nil
}

// Utilization is 0: nothing runs on a fake card.
func (f *Fake) Utilization(index int) (int, error) { return 0, f.card(index) }

// Healthy is the card's current health.
func (f *Fake) Healthy(index int) (bool, error) {
	if err := f.card(index); err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.healthy[index], nil
}

// NUMANode splits a server's cards between two nodes.
func (f *Fake) NUMANode(index int) (int, error) {
	if err := f.card(index); err != nil {
		return 0, err
	}
	return f.model.numaNode(index), nil
}

// Links are the card's MLU-Link group.
func (f *Fake) Links(index int) ([]Link, error) {
	if err := f.card(index); err != nil {
		return nil, err
	}
	return f.model.links(index, f.count), nil
}

// SMLUEnabled is false for the description's SMLUDisabled cards.
func (f *Fake) SMLUEnabled(index int) (bool, error) {
	if err := f.card(index); err != nil {
		return false, err
	}
	return !slices.Contains(f.desc.SMLUDisabled, index), nil
}
