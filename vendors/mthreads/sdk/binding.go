package sdk

import (
	"errors"
	"fmt"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// DefaultLibraryNames are tried in order when Open is given no path: the
// soname as the driver package installs it, then the MUSA toolkit's copy.
func DefaultLibraryNames() []string {
	return []string{"libmtml.so", "libmtml.so.1", "/usr/local/musa/lib/libmtml.so"}
}

// Binding is Library over the real libmtml.so, loaded at run time. Call
// Init before anything else; Init and Shutdown must not race other calls.
type Binding struct {
	lib     *dynlib.Library
	fns     mtml
	handle  uintptr // MtmlLibrary*, 0 until Init
	sysRoot string
}

// Option changes how Open sets a Binding up.
type Option func(*Binding)

// WithSysRoot reads sysfs (NUMA node, DRM node numbers) under root instead
// of /sys; tests point it at a directory they lay out.
func WithSysRoot(root string) Option { return func(b *Binding) { b.sysRoot = root } }

// Open loads the library at path (DefaultLibraryNames when empty) and binds
// every call; it does not initialise MTML.
func Open(path string, opts ...Option) (*Binding, error) {
	b := &Binding{sysRoot: "/sys"}
	lib, err := dynlib.OpenBound(path, DefaultLibraryNames(), &b.fns)
	if err != nil {
		return nil, fmt.Errorf("open mtml: %w", err)
	}
	b.lib = lib
	for _, o := range opts {
		o(b)
	}
	return b, nil
}

// Close unloads the library (after Shutdown).
func (b *Binding) Close() error { return b.lib.Close() }

// Init implements Library.
func (b *Binding) Init() error {
	var h uintptr
	if err := callError("mtmlLibraryInit", 0, b.fns.LibraryInit(&h)); err != nil {
		return err
	}
	b.handle = h
	return nil
}

// Shutdown implements Library.
func (b *Binding) Shutdown() error {
	if b.handle == 0 {
		return nil
	}
	err := callError("mtmlLibraryShutDown", 0, b.fns.LibraryShutDown(b.handle))
	b.handle = 0
	return err
}

// DeviceCount implements Library.
func (b *Binding) DeviceCount() (int, error) {
	if b.handle == 0 {
		return 0, fmt.Errorf("mtmlLibraryCountDevice: %w", sdkerr.ErrUninitialized)
	}
	var n uint32
	if err := callError("mtmlLibraryCountDevice", 0, b.fns.CountDevice(b.handle, &n)); err != nil {
		return 0, err
	}
	return int(n), nil
}

// device is the MTML handle of device index.
func (b *Binding) device(index int) (uintptr, error) {
	if b.handle == 0 {
		return 0, fmt.Errorf("mtmlLibraryInitDeviceByIndex(%d): %w", index, sdkerr.ErrUninitialized)
	}
	if index < 0 {
		return 0, callError("mtmlLibraryInitDeviceByIndex", index, ErrorInvalidArgument)
	}
	var dev uintptr
	return dev, callError("mtmlLibraryInitDeviceByIndex", index, b.fns.InitDeviceByIndex(b.handle, uint32(index), &dev))
}

// Device implements Library.
func (b *Binding) Device(index int) (Device, error) {
	dev, err := b.device(index)
	if err != nil {
		return Device{}, err
	}
	d := Device{Index: index, Minor: index}
	if d.Name, err = b.text("mtmlDeviceGetName", index, dev, nameBufferSize, b.fns.GetName); err != nil {
		return Device{}, err
	}
	if d.UUID, err = b.text("mtmlDeviceGetUUID", index, dev, uuidBufferSize, b.fns.GetUUID); err != nil {
		return Device{}, err
	}
	if d.Serial, err = b.serial(index, dev); err != nil {
		return Device{}, err
	}
	var pci pciInfo
	if err := callError("mtmlDeviceGetPciInfo", index, b.fns.GetPci(dev, &pci)); err != nil {
		return Device{}, err
	}
	d.PCI = PCI{
		BusID:    dynlib.GoString(pci.SBDF[:]),
		DeviceID: uint16(pci.PciDeviceID >> 16),
		VendorID: uint16(pci.PciDeviceID),
	}
	sys := readSysfs(b.sysRoot, d.PCI.BusID)
	d.NUMANode, d.DRMCard, d.DRMRender = sys.numaNode, sys.drmCard, sys.drmRender
	return d, nil
}

func (b *Binding) text(call string, index int, dev uintptr, size int, get func(uintptr, *byte, uint32) Return) (string, error) {
	buf := make([]byte, size)
	if err := callError(call, index, get(dev, &buf[0], uint32(size))); err != nil {
		return "", err
	}
	return dynlib.GoString(buf), nil
}

// serial is empty where the driver is too old to export the call or the
// board does not report one: identity is the UUID, the serial only a label.
func (b *Binding) serial(index int, dev uintptr) (string, error) {
	if b.fns.GetSerial == nil {
		return "", nil
	}
	buf := make([]byte, serialBufferSize)
	err := callError("mtmlDeviceGetSerialNumber", index, b.fns.GetSerial(dev, uint32(len(buf)), &buf[0]))
	if errors.Is(err, sdkerr.ErrNotSupported) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return dynlib.GoString(buf), nil
}

// Memory implements Library.
func (b *Binding) Memory(index int) (Memory, error) {
	dev, err := b.device(index)
	if err != nil {
		return Memory{}, err
	}
	var mem uintptr
	if err := callError("mtmlDeviceInitMemory", index, b.fns.InitMemory(dev, &mem)); err != nil {
		return Memory{}, err
	}
	defer b.fns.FreeMemory(mem)
	var total, used uint64
	if err := callError("mtmlMemoryGetTotal", index, b.fns.MemoryGetTotal(mem, &total)); err != nil {
		return Memory{}, err
	}
	if err := callError("mtmlMemoryGetUsed", index, b.fns.MemoryGetUsed(mem, &used)); err != nil {
		return Memory{}, err
	}
	return Memory{TotalMiB: total >> 20, UsedMiB: used >> 20}, nil
}

// Utilization implements Library.
func (b *Binding) Utilization(index int) (int, error) {
	dev, err := b.device(index)
	if err != nil {
		return 0, err
	}
	var gpu uintptr
	if err := callError("mtmlDeviceInitGpu", index, b.fns.InitGpu(dev, &gpu)); err != nil {
		return 0, err
	}
	defer b.fns.FreeGpu(gpu)
	var util uint32
	if err := callError("mtmlGpuGetUtilization", index, b.fns.GpuGetUtilization(gpu, &util)); err != nil {
		return 0, err
	}
	return int(util), nil
}

// Healthy implements Library: a device is healthy while it answers a
// utilisation query. A driver failure or timeout on the device is a
// verdict (false, nil); any other error (not initialised, bad index) is the
// caller's problem and returned.
func (b *Binding) Healthy(index int) (bool, error) {
	_, err := b.Utilization(index)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sdkerr.ErrFailure):
		return false, nil
	default:
		return false, err
	}
}
