package sdk

import (
	"fmt"
	"slices"
	"sync"

	"github.com/hami-project/hami/common/fakesdk"
)

// FakeOptions tune a fake. There is no state file: Iluvatar's driver makes
// no partitions (HAMi limits by library interposition), so nothing the
// fake holds would survive a real plugin restart either.
type FakeOptions struct {
	// DevRoot, when set, is the root under which the fake makes the device
	// files the driver would (DevRoot/dev/iluvatar<minor>, DevRoot/dev/itrctl).
	// Empty makes none.
	DevRoot string
}

// fakeChip is one chip of a fake.
type fakeChip struct {
	dev    Device
	board  int
	usedMi uint64
	util   Utilization
	health HealthBits
}

// Fake is a Library over an in-memory system built from a Description. It
// answers as the binding does, with the same errors.
type Fake struct {
	model Model

	// mu guards initialised and the chips' usage and health.
	mu          sync.Mutex
	initialised bool
	chips       []fakeChip
}

var _ Library = (*Fake)(nil)

// NewFake builds the fake system desc describes and makes its device files.
func NewFake(desc Description, opts FakeOptions) (*Fake, error) {
	if err := desc.Validate(); err != nil {
		return nil, fmt.Errorf("fake ixml: %w", err)
	}
	m, err := LookupModel(desc.Model)
	if err != nil {
		return nil, fmt.Errorf("fake ixml: %w", err)
	}
	n := desc.chips(m)
	f := &Fake{model: m, chips: make([]fakeChip, n)}
	for i := range f.chips {
		f.chips[i] = newFakeChip(m, desc.Seed, i, n)
		if slices.Contains(desc.Unhealthy, i) {
			f.chips[i].health = HealthECCError
		}
	}
	if err := f.makeDeviceFiles(opts.DevRoot); err != nil {
		return nil, err
	}
	return f, nil
}

// newFakeChip lays chip i of n out as a server does: boards in order, two
// boards per PCIe switch, the first half of the boards on NUMA node 0.
func newFakeChip(m Model, seed string, i, n int) fakeChip {
	board := i / m.ChipsPerBoard
	boards := n / m.ChipsPerBoard
	numa := 0
	if board >= (boards+1)/2 {
		numa = 1
	}
	return fakeChip{
		board: board,
		dev: Device{
			Index:    i,
			UUID:     fakesdk.UUID("GPU-", seed, i),
			Minor:    i,
			Name:     namePrefix + m.Name,
			Serial:   fakesdk.Serial("IX", seed, board),
			NUMANode: numa,
		},
	}
}

func (f *Fake) makeDeviceFiles(root string) error {
	if root == "" {
		return nil
	}
	if _, err := fakesdk.DeviceNode(root, ControlFile); err != nil {
		return err
	}
	for _, c := range f.chips {
		if _, err := fakesdk.DeviceNode(root, c.dev.DevicePath()); err != nil {
			return err
		}
	}
	return nil
}

// Model is the model the fake plays.
func (f *Fake) Model() Model { return f.model }

// Init initialises the fake library.
func (f *Fake) Init() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.initialised = true
	return nil
}

// Shutdown releases it; calls fail with ErrUninitialized until Init.
func (f *Fake) Shutdown() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.initialised {
		return check(ErrorUninitialized, "ixmlShutdown")
	}
	f.initialised = false
	return nil
}

// DeviceCount is the number of chips.
func (f *Fake) DeviceCount() (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.initialised {
		return 0, check(ErrorUninitialized, "ixmlDeviceGetCount_v2")
	}
	return len(f.chips), nil
}

// chip is chip index when the library is initialised, with the error the
// binding's handle lookup would give otherwise. f.mu must be held.
func (f *Fake) chip(index int) (*fakeChip, error) {
	const call = "ixmlDeviceGetHandleByIndex_v2"
	if !f.initialised {
		return nil, check(ErrorUninitialized, call, index)
	}
	if index < 0 || index >= len(f.chips) {
		return nil, check(ErrorInvalidArgument, call, index)
	}
	return &f.chips[index], nil
}

// OpenFake builds the fake a description file describes.
func OpenFake(path string, opts FakeOptions) (*Fake, error) {
	desc, err := LoadDescription(path)
	if err != nil {
		return nil, err
	}
	return NewFake(desc, opts)
}
