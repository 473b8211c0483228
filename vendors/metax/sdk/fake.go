package sdk

import (
	"fmt"
	"slices"
	"sync"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/sdkerr"
)

// APIVersionState is the apiVersion of the fake driver's state file.
const APIVersionState = "state.metax.hami.io/v1"

// FakeOptions keep the sGPUs in a file (StatePath), so they survive a
// plugin restart as the real driver's do, and make the driver's device
// files under DevRoot.
type FakeOptions = fakesdk.Options

// Fake is a Library over a described system. It enforces what the driver
// enforces and fails with the errors the binding returns.
type Fake struct {
	desc  Description
	model Model
	count int
	state *fakesdk.State[fakeState]

	// Session gives Init and Shutdown: the driver keeps its partitions
	// across them.
	fakesdk.Session

	// mu guards lost.
	mu   sync.Mutex
	lost map[int]bool
}

var _ Library = (*Fake)(nil)

// fakeState is what the fake driver keeps across restarts.
type fakeState struct {
	Sgpus []sgpuRecord `json:"sgpus,omitempty"`
	// NextID is the next sGPU id per device: ids are not reused, so a
	// stale id never names someone else's sGPU.
	NextID map[int]int `json:"nextID,omitempty"`
}

type sgpuRecord struct {
	Device         int    `json:"device"`
	ID             int    `json:"id"`
	MemoryMiB      uint64 `json:"memoryMiB"`
	ComputePercent int    `json:"computePercent"`
}

// NewFake builds the fake of desc, making its device files under
// opts.DevRoot and loading the sGPUs kept in opts.StatePath.
func NewFake(desc Description, opts FakeOptions) (*Fake, error) {
	if err := desc.Validate(); err != nil {
		return nil, fmt.Errorf("fake mxsml: %w", err)
	}
	model, _ := LookupModel(desc.Model)
	state, err := fakesdk.OpenState[fakeState](opts.StatePath, APIVersionState)
	if err != nil {
		return nil, err
	}
	f := &Fake{desc: desc, model: model, count: desc.DeviceCount(), state: state, lost: map[int]bool{}}
	for _, i := range desc.Unhealthy {
		f.lost[i] = true
	}
	if opts.DevRoot != "" {
		if err := f.makeDeviceFiles(opts.DevRoot); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *Fake) makeDeviceFiles(root string) error {
	for i := range f.count {
		for _, name := range f.device(i).DeviceFiles() {
			if _, err := fakesdk.DeviceNode(root, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// SetHealthy marks device index healthy or lost, as a driver reports a
// card falling off the bus. MetaX health is polled, not event-driven, so
// the next Health call sees the change.
func (f *Fake) SetHealthy(index int, healthy bool) error {
	if index < 0 || index >= f.count {
		return fmt.Errorf("set health of device %d: %w", index, sdkerr.ErrNoDevice)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lost[index] = !healthy
	return nil
}

// DeviceCount is the described number of devices.
func (f *Fake) DeviceCount() (int, error) {
	if err := f.ready("mxSmlGetDeviceCount"); err != nil {
		return 0, err
	}
	return f.count, nil
}

// Device is the identity of device index.
func (f *Fake) Device(index int) (Device, error) {
	if err := f.readyDevice(index, "mxSmlGetDeviceInfo"); err != nil {
		return Device{}, err
	}
	return f.device(index), nil
}

func (f *Fake) device(i int) Device {
	return Device{
		Index:       i,
		UUID:        fakesdk.UUID("GPU-", f.desc.Seed, i),
		Model:       f.model.Name,
		Serial:      fakesdk.Serial("MX", f.desc.Seed, i),
		BusID:       fmt.Sprintf("0000:%02x:00.0", 0x1b+i*0x10),
		CardMinor:   i,
		RenderMinor: 128 + i,
		NUMANode:    f.zone(i),
	}
}

func (f *Fake) zone(i int) int { return i / f.model.ZoneSize }

// Memory is the model's memory; nothing runs on a fake device, so none is
// used. A lost device does not answer.
func (f *Fake) Memory(index int) (Memory, error) {
	const call = "mxSmlGetMemoryInfo"
	if err := f.readyDevice(index, call); err != nil {
		return Memory{}, err
	}
	if f.isLost(index) {
		return Memory{}, fail(DeviceLost, call, index)
	}
	return Memory{TotalMiB: f.model.MemoryMiB}, nil
}

// Utilization is 0: nothing runs on a fake device.
func (f *Fake) Utilization(index int) (int, error) {
	return 0, f.readyDevice(index, "mxSmlGetDeviceIpUsage", index, usageXcore)
}

// Health is false for a lost device.
func (f *Fake) Health(index int) (bool, error) {
	_, err := f.Memory(index)
	return healthOf(err)
}

func (f *Fake) isLost(index int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lost[index]
}

// Links joins the devices of a zone by MetaXLink; zones meet across the
// CPU sockets.
func (f *Fake) Links(index int) ([]Link, error) {
	if err := f.readyDevice(index, "mxSmlGetDeviceTopology"); err != nil {
		return nil, err
	}
	var links []Link
	for _, peer := range device.Peers(index, f.count) {
		kind := LinkSystem
		if f.zone(peer) == f.zone(index) {
			kind = LinkMetaXLink
		}
		links = append(links, Link{Peer: peer, Kind: kind, Score: kind.Score()})
	}
	return links, nil
}

// SgpuEnabled is false for the devices the description lists.
func (f *Fake) SgpuEnabled(index int) (bool, error) {
	if err := f.readyDevice(index, "mxSmlGetSgpuToggle"); err != nil {
		return false, err
	}
	return !slices.Contains(f.desc.SgpuDisabled, index), nil
}

// SchedClass is the class the description gives the device.
func (f *Fake) SchedClass(index int) (SchedClass, error) {
	if err := f.readyDevice(index, "mxSmlGetDeviceSchedClass"); err != nil {
		return "", err
	}
	return f.desc.schedClass(index), nil
}

// ready fails as the library does before Init.
func (f *Fake) ready(call string) error {
	if !f.Session.IsOpen() {
		return fail(Uninitialized, call)
	}
	return nil
}

// readyDevice fails as the library does before Init or for a device that
// is not there; args are the call's arguments, for the error.
func (f *Fake) readyDevice(index int, call string, args ...any) error {
	if len(args) == 0 {
		args = []any{index}
	}
	if index < 0 && f.Session.IsOpen() {
		return fail(InvalidInput, call, args...)
	}
	return fail(fakesdk.Refuse(&f.Session, index, f.count, Success, Uninitialized, NoDevice), call, args...)
}
