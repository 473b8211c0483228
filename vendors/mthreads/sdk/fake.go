package sdk

import (
	"fmt"
	"sync"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/sdkerr"
)

// FakeOptions are where a Fake keeps what a real driver keeps: the active
// sGPUs (StatePath) and the device files (DevRoot/dev/mtgpu.<N>,
// DevRoot/dev/dri/card<N>, DevRoot/dev/dri/renderD<128+N>).
type FakeOptions = fakesdk.Options

// Fake is Library over a described system instead of a driver. It answers
// with the same values and the same errors (*Error codes) as Binding.
type Fake struct {
	desc    Description
	model   Model
	devices []Device
	state   *fakesdk.State[fakeState]

	// Session gives Init and Shutdown; the driver keeps its sGPUs across
	// them.
	fakesdk.Session

	mu        sync.Mutex // guards unhealthy
	unhealthy map[int]bool
}

// fakeStateAPIVersion versions the state file.
const fakeStateAPIVersion = "state.fake.mthreads.hami.io/v1"

// NewFake builds the system d describes (d is validated here too) and makes
// its device files.
func NewFake(d Description, opts FakeOptions) (*Fake, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("fake mtml: %w", err)
	}
	model, _ := LookupModel(d.Model)
	state, err := fakesdk.OpenState[fakeState](opts.StatePath, fakeStateAPIVersion)
	if err != nil {
		return nil, fmt.Errorf("fake mtml: %w", err)
	}
	f := &Fake{desc: d, model: model, state: state, unhealthy: map[int]bool{}}
	for _, i := range d.Unhealthy {
		f.unhealthy[i] = true
	}
	n := d.DeviceCount()
	for i := range n {
		f.devices = append(f.devices, fakeDevice(model, d.Seed, i, n))
	}
	if opts.DevRoot != "" {
		if err := f.makeDeviceNodes(opts.DevRoot); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func fakeDevice(m Model, seed string, i, n int) Device {
	return Device{
		Index:  i,
		UUID:   fakesdk.UUID("", seed, i),
		Name:   m.Name,
		Serial: fakesdk.Serial("MT", seed, i),
		Minor:  i,
		// The fake has no BMC display taking card0, so DRM numbers follow
		// the index (render nodes start at 128, as the kernel numbers them).
		DRMCard:   i,
		DRMRender: 128 + i,
		PCI:       PCI{BusID: fmt.Sprintf("0000:%02x:00.0", 0x10+i), VendorID: VendorID},
		NUMANode:  m.numaNode(i, n),
	}
}

func (f *Fake) makeDeviceNodes(root string) error {
	for _, d := range f.devices {
		for _, node := range d.DeviceNodes() {
			if _, err := fakesdk.DeviceNode(root, node); err != nil {
				return err
			}
		}
	}
	return nil
}

// Description is what the fake was built from.
func (f *Fake) Description() Description { return f.desc }

// DeviceCount implements Library.
func (f *Fake) DeviceCount() (int, error) {
	if !f.IsOpen() {
		return 0, fmt.Errorf("mtmlLibraryCountDevice: %w", sdkerr.ErrUninitialized)
	}
	return len(f.devices), nil
}

// check is the error the binding gives for call on index: not initialised,
// an index that is not a device, or (when answering needs the device to
// work) an unhealthy device's driver failure.
func (f *Fake) check(call string, index int, needsHealth bool) error {
	if !f.IsOpen() {
		return fmt.Errorf("mtmlLibraryInitDeviceByIndex(%d): %w", index, sdkerr.ErrUninitialized)
	}
	if index < 0 || index >= len(f.devices) {
		return callError("mtmlLibraryInitDeviceByIndex", index, ErrorInvalidArgument)
	}
	if needsHealth && !f.isHealthy(index) {
		return callError(call, index, ErrorDriverFailure)
	}
	return nil
}

func (f *Fake) isHealthy(index int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.unhealthy[index]
}

// Device implements Library.
func (f *Fake) Device(index int) (Device, error) {
	if err := f.check("", index, false); err != nil {
		return Device{}, err
	}
	return f.devices[index], nil
}

// Memory implements Library. Used memory is what processes hold; an sGPU's
// slice is a limit, not a use, so a fake with no processes uses none.
func (f *Fake) Memory(index int) (Memory, error) {
	if err := f.check("mtmlMemoryGetUsed", index, true); err != nil {
		return Memory{}, err
	}
	return Memory{TotalMiB: f.model.MemoryMiB}, nil
}

// Utilization implements Library: an idle card, or a driver failure on an
// unhealthy one (which is how Binding tells health).
func (f *Fake) Utilization(index int) (int, error) {
	if err := f.check("mtmlGpuGetUtilization", index, true); err != nil {
		return 0, err
	}
	return 0, nil
}

// Healthy implements Library.
func (f *Fake) Healthy(index int) (bool, error) {
	if err := f.check("", index, false); err != nil {
		return false, err
	}
	return f.isHealthy(index), nil
}

// SetHealthy changes a device's health at run time, as a failing card would.
func (f *Fake) SetHealthy(index int, healthy bool) error {
	if index < 0 || index >= len(f.devices) {
		return callError("mtmlLibraryInitDeviceByIndex", index, ErrorInvalidArgument)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unhealthy[index] = !healthy
	return nil
}

// Links implements Library.
func (f *Fake) Links(index int) ([]Link, error) {
	if err := f.check("", index, false); err != nil {
		return nil, err
	}
	var links []Link
	for j := range f.devices {
		if j != index {
			links = append(links, f.model.link(index, j, len(f.devices)))
		}
	}
	return links, nil
}

// VirtTypes implements Library.
func (f *Fake) VirtTypes(index int) ([]VirtType, error) {
	if err := f.check("", index, false); err != nil {
		return nil, err
	}
	return f.model.VirtTypes(), nil
}
