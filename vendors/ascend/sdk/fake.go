package sdk

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/sdkerr"
)

// apiVersionFakeState is the schema of the fake driver's state file.
const apiVersionFakeState = "state.fake.ascend.hami.io/v1"

// FakeOptions are where the fake keeps what a driver keeps: the vNPUs
// across a reopen (StatePath), as the driver keeps them across a plugin
// restart, and the device nodes (DevRoot).
type FakeOptions = fakesdk.Options

// Fake is Library over a described node, for tests and the demo.
type Fake struct {
	desc  Description
	model Model
	opts  FakeOptions
	state *fakesdk.State[fakeState]

	// Session gives Init and Shutdown; every call but Init fails while
	// it is closed.
	fakesdk.Session

	// mu guards the run-time knobs below.
	mu          sync.Mutex
	unhealthy   map[int]bool
	utilization map[int]int
	usedMiB     map[int]uint64
}

var _ Library = (*Fake)(nil)

// fakeState is what the fake driver persists: the vNPUs of each die.
type fakeState struct {
	// VNPUs by vdevice id.
	VNPUs map[uint32]Partition `json:"vnpus,omitempty"`
}

// NewFake builds the fake of desc. With a StatePath, vNPUs made before
// are still there; with a DevRoot, the device nodes are made.
func NewFake(desc Description, opts FakeOptions) (*Fake, error) {
	if err := desc.Validate(); err != nil {
		return nil, fmt.Errorf("fake ascend: %w", err)
	}
	state, err := fakesdk.OpenState[fakeState](opts.StatePath, apiVersionFakeState)
	if err != nil {
		return nil, err
	}
	f := &Fake{
		desc: desc, model: Models()[desc.Model], opts: opts, state: state,
		unhealthy: map[int]bool{}, utilization: map[int]int{}, usedMiB: map[int]uint64{},
	}
	for _, i := range desc.Unhealthy {
		f.unhealthy[i] = true
	}
	if err := f.makeNodes(); err != nil {
		return nil, err
	}
	return f, nil
}

// makeNodes makes the nodes of the dies, the control nodes and every
// vNPU the state holds.
func (f *Fake) makeNodes() error {
	if f.opts.DevRoot == "" {
		return nil
	}
	names := ControlDevicePaths()
	for i := range f.desc.DeviceCount() {
		names = append(names, PhysicalDevicePath(uint32(i)))
	}
	f.state.Read(func(s fakeState) {
		for id := range s.VNPUs {
			names = append(names, VirtualDevicePath(id))
		}
	})
	for _, n := range names {
		if _, err := fakesdk.DeviceNode(f.opts.DevRoot, n); err != nil {
			return err
		}
	}
	return nil
}

// Model is the fake's model.
func (f *Fake) Model() Model { return f.model }

// DeviceCount is the number of dies described.
func (f *Fake) DeviceCount() (int, error) {
	if err := f.ready(); err != nil {
		return 0, err
	}
	return f.desc.DeviceCount(), nil
}

// ready fails as the binding does before Init.
func (f *Fake) ready() error {
	if !f.IsOpen() {
		return sdkerr.ErrUninitialized
	}
	return nil
}

// checkIndex fails as the binding does for an index it does not have.
func (f *Fake) checkIndex(index int) error {
	if err := f.ready(); err != nil {
		return err
	}
	if n := f.desc.DeviceCount(); index < 0 || index >= n {
		return fmt.Errorf("device %d of %d: %w", index, n, sdkerr.ErrNoDevice)
	}
	return nil
}

// addr is the card and device number of die index, as DCMI numbers them.
func (f *Fake) addr(index int) (card, dev int) {
	return index / f.model.DiesPerCard, index % f.model.DiesPerCard
}

// Device is die index; the fake's logic and physical ids equal the index.
func (f *Fake) Device(index int) (Device, error) {
	if err := f.checkIndex(index); err != nil {
		return Device{}, err
	}
	card, dev := f.addr(index)
	return Device{
		Index: index, LogicID: uint32(index), PhyID: uint32(index), CardID: card, DeviceID: dev,
		UUID: fakeDieID(f.desc.Seed, index), Model: f.model.Name,
		ChipType: "Ascend", ChipVersion: "V1", AICores: f.model.AICores,
		Serial: fakesdk.Serial("ASC", f.desc.Seed, index/f.model.DiesPerCard),
	}, nil
}

// fakeDieID is a die id shaped as the binding formats real ones, stable
// per node (seed) and index.
func fakeDieID(seed string, index int) string {
	hex := strings.ReplaceAll(fakesdk.UUID("", seed+"/ascend", index), "-", "")
	var words [dieIDCount]uint32
	for i := range 4 {
		w, _ := strconv.ParseUint(hex[i*8:i*8+8], 16, 32) // always 8 hex digits
		words[i] = uint32(w)
	}
	words[4] = uint32(index)
	return FormatDieID(words)
}

// Memory is the die's usable memory and what SetMemoryUsed said is used.
func (f *Fake) Memory(index int) (Memory, error) {
	if err := f.checkIndex(index); err != nil {
		return Memory{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return Memory{TotalMiB: f.model.MemoryMiB, UsedMiB: f.usedMiB[index]}, nil
}

// Utilization is what SetUtilization said, 0 at first.
func (f *Fake) Utilization(index int) (int, error) {
	if err := f.checkIndex(index); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.utilization[index], nil
}

// Health is critical for an unhealthy die, OK otherwise.
func (f *Fake) Health(index int) (Health, error) {
	if err := f.checkIndex(index); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unhealthy[index] {
		return HealthCritical, nil
	}
	return HealthOK, nil
}

// NUMANode puts the first half of the dies on node 0, the rest on node 1.
func (f *Fake) NUMANode(index int) (int, error) {
	if err := f.checkIndex(index); err != nil {
		return 0, err
	}
	return index * 2 / f.desc.DeviceCount(), nil
}

// Links follow the model's HCCS groups.
func (f *Fake) Links(index int) ([]Link, error) {
	if err := f.checkIndex(index); err != nil {
		return nil, err
	}
	peers := make(map[int]uint32, f.desc.DeviceCount())
	for i := range f.desc.DeviceCount() {
		peers[i] = uint32(i)
	}
	return f.model.Links(uint32(index), peers), nil
}

// Templates are the model's vNPU templates.
func (f *Fake) Templates(index int) ([]Template, error) {
	if err := f.checkIndex(index); err != nil {
		return nil, err
	}
	return slices.Clone(f.model.Templates), nil
}

// SetHealthy changes a die's health at run time. DCMI health is polled,
// so there is no event to send: the next Health call sees it.
func (f *Fake) SetHealthy(index int, healthy bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unhealthy[index] = !healthy
}

// SetUtilization sets what Utilization reports for a die.
func (f *Fake) SetUtilization(index, percent int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.utilization[index] = percent
}

// SetMemoryUsed sets the used memory Memory reports for a die.
func (f *Fake) SetMemoryUsed(index int, mib uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.usedMiB[index] = mib
}
