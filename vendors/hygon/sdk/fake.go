package sdk

import (
	"fmt"
	"sync"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/sdkerr"
)

// fakeStateAPIVersion versions the fake driver's state file.
const fakeStateAPIVersion = "state.fake.hygon.hami.io/v1"

// FakeOptions are where a fake keeps what a real driver keeps: the virtual
// DCUs (StatePath) and the device files (DevRoot/dev/kfd,
// DevRoot/dev/dri/card0, ...).
type FakeOptions = fakesdk.Options

// Fake is Library from a Description. It answers with the errors the
// binding gives for the same situations. Health is polled (ROCm SMI has
// no health events), so SetHealthy is seen at the next Healthy call.
type Fake struct {
	desc  Description
	model Model
	state *fakesdk.State[fakeState]

	session fakesdk.Session

	// mu guards unhealthy and load.
	mu        sync.Mutex
	unhealthy map[int]bool
	load      map[int]fakeLoad
}

type fakeLoad struct {
	usedMiB uint64
	busy    int
}

var _ Library = (*Fake)(nil)

// NewFake builds a fake from a checked description, loading its state and
// making its device files.
func NewFake(d Description, opts FakeOptions) (*Fake, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("fake hygon: %w", err)
	}
	state, err := fakesdk.OpenState[fakeState](opts.StatePath, fakeStateAPIVersion)
	if err != nil {
		return nil, err
	}
	if err := checkState(state, d); err != nil {
		return nil, fmt.Errorf("fake hygon state %s: %w", opts.StatePath, err)
	}
	m, _ := ModelByName(d.Model)
	f := &Fake{desc: d, model: m, state: state, unhealthy: map[int]bool{}, load: map[int]fakeLoad{}}
	for _, i := range d.Unhealthy {
		f.unhealthy[i] = true
	}
	if opts.DevRoot != "" {
		if err := f.makeDeviceFiles(opts.DevRoot); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// makeDeviceFiles makes what the kernel drivers make for these cards.
func (f *Fake) makeDeviceFiles(root string) error {
	paths := []string{DevKFD, DevMKFD}
	for i := range f.desc.DeviceCount() {
		d := f.device(i)
		paths = append(paths, d.CardPath(), d.RenderPath())
	}
	for _, p := range paths {
		if _, err := fakesdk.DeviceNode(root, p); err != nil {
			return err
		}
	}
	return nil
}

// Init starts the fake library.
func (f *Fake) Init() error {
	f.session.Open()
	return nil
}

// Shutdown stops it; queries fail until the next Init.
func (f *Fake) Shutdown() error {
	if !f.session.Close() {
		return fmt.Errorf("rsmi_shut_down: %w", rsmiStatus(rsmiInitError))
	}
	return nil
}

// DeviceCount is the description's number of cards.
func (f *Fake) DeviceCount() (int, error) {
	if err := f.ready("rsmi_num_monitor_devices"); err != nil {
		return 0, err
	}
	return f.desc.DeviceCount(), nil
}

// ready is the binding's answer to a call before Init.
func (f *Fake) ready(call string) error {
	if !f.session.IsOpen() {
		return fmt.Errorf("%s: %w", call, rsmiStatus(rsmiInitError))
	}
	return nil
}

// readyDevice is the binding's answer to a call before Init or on an index
// the library does not have.
func (f *Fake) readyDevice(call string, index int) error {
	if err := f.ready(call); err != nil {
		return err
	}
	if index < 0 || index >= f.desc.DeviceCount() {
		return fmt.Errorf("%s(%d): %w", call, index, rsmiStatus(rsmiInvalidArgs))
	}
	return nil
}

// Device is card index of the model.
func (f *Fake) Device(index int) (Device, error) {
	if err := f.readyDevice("rsmi_dev_id_get", index); err != nil {
		return Device{}, err
	}
	return f.device(index), nil
}

func (f *Fake) device(i int) Device {
	return Device{
		Index: i, UUID: fakesdk.UUID("DCU-", f.desc.Seed, i), Serial: fakesdk.Serial("HYDCU", f.desc.Seed, i),
		Model: f.model.Name, PCIDeviceID: f.model.PCIDeviceID, BusID: fmt.Sprintf("0000:%02x:00.0", 0x10*(i+1)),
		MemoryMiB: f.model.MemoryMiB, ComputeUnits: f.model.ComputeUnits, NUMANode: f.numaNode(i),
		CardMinor: i, RenderMinor: drmRenderBase + i,
	}
}

// numaNode puts the first half of the cards on node 0, the rest on 1.
func (f *Fake) numaNode(i int) int { return i * 2 / f.desc.DeviceCount() }

// Memory is the model's memory and what SetLoad said is used.
func (f *Fake) Memory(index int) (Memory, error) {
	if err := f.readyDevice("rsmi_dev_memory_total_get", index); err != nil {
		return Memory{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return Memory{TotalMiB: f.model.MemoryMiB, UsedMiB: f.load[index].usedMiB}, nil
}

// Utilization is what SetLoad said; an unhealthy card fails the read as a
// lost card's sysfs does.
func (f *Fake) Utilization(index int) (int, error) {
	if err := f.readyDevice("rsmi_dev_busy_percent_get", index); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unhealthy[index] {
		return 0, fmt.Errorf("rsmi_dev_busy_percent_get(%d): %w", index, rsmiStatus(rsmiFileError))
	}
	return f.load[index].busy, nil
}

// Healthy is judged as the binding judges it.
func (f *Fake) Healthy(index int) (bool, error) { return healthFrom(f.Utilization(index)) }

// SetHealthy changes a card's health, for tests.
func (f *Fake) SetHealthy(index int, healthy bool) error {
	if index < 0 || index >= f.desc.DeviceCount() {
		return fmt.Errorf("set health of %d: %w", index, sdkerr.ErrInvalidArgument)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unhealthy[index] = !healthy
	return nil
}

// SetLoad sets a card's used memory and busy percent, for tests.
func (f *Fake) SetLoad(index int, usedMiB uint64, busyPercent int) error {
	if index < 0 || index >= f.desc.DeviceCount() || usedMiB > f.model.MemoryMiB || busyPercent < 0 || busyPercent > 100 {
		return fmt.Errorf("set load of %d (%d MiB, %d%%): %w", index, usedMiB, busyPercent, sdkerr.ErrInvalidArgument)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load[index] = fakeLoad{usedMiB: usedMiB, busy: busyPercent}
	return nil
}

// Links wires the cards as the model's servers are wired.
func (f *Fake) Links(index int) ([]Link, error) {
	if err := f.readyDevice("rsmi_topo_get_link_type", index); err != nil {
		return nil, err
	}
	var links []Link
	for peer := range f.desc.DeviceCount() {
		if peer != index {
			kind, hops := f.link(index, peer)
			links = append(links, Link{Peer: peer, Kind: kind, Hops: hops, Score: LinkScore(kind, hops)})
		}
	}
	return links, nil
}

// link: XGMI within a hive or a pair, else PCIe, one hop further across
// NUMA nodes.
func (f *Fake) link(a, b int) (LinkKind, int) {
	if f.model.Topology == TopologyHive || a/2 == b/2 {
		return LinkXGMI, 1
	}
	if f.numaNode(a) == f.numaNode(b) {
		return LinkPCIe, 2
	}
	return LinkPCIe, 3
}
