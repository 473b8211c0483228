package sdk

import (
	"fmt"
	"slices"
	"sync"

	"github.com/hami-project/hami/common/fakesdk"
)

// FakeOptions tune a fake: DevRoot, when set, is the root under which it
// makes the device files the driver would (DevRoot/dev/iluvatar<minor>,
// DevRoot/dev/itrctl). There is no state file (StatePath is unused):
// Iluvatar's driver makes no partitions (HAMi limits by library
// interposition), so nothing the fake holds would survive a real plugin
// restart either.
type FakeOptions = fakesdk.Options

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

	session fakesdk.Session

	// mu guards the chips' usage and health.
	mu    sync.Mutex
	chips []fakeChip
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
	f.session.Open()
	return nil
}

// Shutdown releases it; calls fail with sdkerr.ErrUninitialized until Init.
func (f *Fake) Shutdown() error {
	if !f.session.Close() {
		return check(ErrorUninitialized, "ixmlShutdown")
	}
	return nil
}

// DeviceCount is the number of chips.
func (f *Fake) DeviceCount() (int, error) {
	if !f.session.IsOpen() {
		return 0, check(ErrorUninitialized, "ixmlDeviceGetCount_v2")
	}
	return len(f.chips), nil
}

// chip is chip index when the library is initialised, with the error the
// binding's handle lookup would give otherwise. f.mu must be held.
func (f *Fake) chip(index int) (*fakeChip, error) {
	r := fakesdk.Refuse(&f.session, index, len(f.chips), Success, ErrorUninitialized, ErrorInvalidArgument)
	if err := check(r, "ixmlDeviceGetHandleByIndex_v2", index); err != nil {
		return nil, err
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
