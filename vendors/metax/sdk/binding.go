package sdk

import (
	"errors"
	"fmt"
	"math"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// DefaultLibraries are the names Open tries when given no path: the
// soname, then where MetaX's driver packages install it.
func DefaultLibraries() []string {
	return []string{"libmxsml.so", "/opt/mxdriver/lib/libmxsml.so", "/opt/maca/lib/libmxsml.so"}
}

// Binding is the real Library: libmxsml.so loaded at run time.
type Binding struct {
	lib *dynlib.Library
	fn  mxsml
}

var _ Library = (*Binding)(nil)

// Open loads the library at path, or the first of DefaultLibraries when
// path is empty, and binds every call. Init is still to be called.
func Open(path string) (*Binding, error) {
	b := &Binding{}
	lib, err := dynlib.OpenBound(path, DefaultLibraries(), &b.fn)
	if err != nil {
		return nil, fmt.Errorf("open mxsml: %w", err)
	}
	b.lib = lib
	return b, nil
}

// Init initialises the library.
func (b *Binding) Init() error { return check(b.fn.Init(), "mxSmlInit") }

// Shutdown unloads the library; the Binding is unusable afterwards.
// libmxsml has no shutdown call of its own.
func (b *Binding) Shutdown() error { return b.lib.Close() }

// DeviceCount is the number of MetaX GPUs.
func (b *Binding) DeviceCount() (int, error) {
	var n uint32
	if err := check(b.fn.DeviceCount(&n), "mxSmlGetDeviceCount"); err != nil {
		return 0, err
	}
	return int(n), nil
}

// Device is the identity of device index.
func (b *Binding) Device(index int) (Device, error) {
	dev, err := deviceArg(index, "mxSmlGetDeviceInfo")
	if err != nil {
		return Device{}, err
	}
	var c cDeviceInfo
	if err := check(b.fn.DeviceInfo(dev, &c), "mxSmlGetDeviceInfo", index); err != nil {
		return Device{}, err
	}
	return Device{
		Index:       int(c.DeviceID),
		UUID:        dynlib.GoString(c.UUID[:]),
		Model:       dynlib.GoString(c.DeviceName[:]),
		Serial:      dynlib.GoString(c.Serial[:]),
		BusID:       dynlib.GoString(c.BdfID[:]),
		CardMinor:   int(c.GpuID),
		RenderMinor: int(c.NodeID),
		NUMANode:    int(c.NUMANode),
	}, nil
}

// Memory is the device's memory, converted from the KB the library reports.
func (b *Binding) Memory(index int) (Memory, error) {
	dev, err := deviceArg(index, "mxSmlGetMemoryInfo")
	if err != nil {
		return Memory{}, err
	}
	var c cMemoryInfo
	if err := check(b.fn.MemoryInfo(dev, &c), "mxSmlGetMemoryInfo", index); err != nil {
		return Memory{}, err
	}
	return Memory{TotalMiB: kbToMiB(c.VramTotal), UsedMiB: kbToMiB(c.VramUse)}, nil
}

// Utilization is the busy percentage of the device's compute (Xcore) IPs.
func (b *Binding) Utilization(index int) (int, error) {
	dev, err := deviceArg(index, "mxSmlGetDeviceIpUsage")
	if err != nil {
		return 0, err
	}
	var u int32
	if err := check(b.fn.IPUsage(dev, usageXcore, &u), "mxSmlGetDeviceIpUsage", index, usageXcore); err != nil {
		return 0, err
	}
	return int(u), nil
}

// Health is false when the device no longer answers its memory query
// (MXSML_DeviceLost): libmxsml has no health call, and a lost device is
// what the plugin must stop offering.
func (b *Binding) Health(index int) (bool, error) {
	_, err := b.Memory(index)
	return healthOf(err)
}

func healthOf(err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sdkerr.ErrDeviceLost):
		return false, nil
	default:
		return false, err
	}
}

// SgpuEnabled reports whether the device runs in sGPU mode.
func (b *Binding) SgpuEnabled(index int) (bool, error) {
	dev, err := deviceArg(index, "mxSmlGetSgpuToggle")
	if err != nil {
		return false, err
	}
	var on int32
	if err := check(b.fn.SgpuToggle(dev, &on), "mxSmlGetSgpuToggle", index); err != nil {
		return false, err
	}
	return on != 0, nil
}

// SchedClass is the device's scheduling class.
func (b *Binding) SchedClass(index int) (SchedClass, error) {
	dev, err := deviceArg(index, "mxSmlGetDeviceSchedClass")
	if err != nil {
		return "", err
	}
	var c int32
	if err := check(b.fn.SchedClass(dev, &c), "mxSmlGetDeviceSchedClass", index); err != nil {
		return "", err
	}
	class, err := schedClassOf(c)
	if err != nil {
		return "", fmt.Errorf("mxSmlGetDeviceSchedClass(%d): %w", index, err)
	}
	return class, nil
}

// deviceArg is index as the library's unsigned device id; a negative or
// huge index is refused here, as the library would refuse it.
func deviceArg(index int, call string) (uint32, error) {
	return uintArg(index, call, index)
}

// uintArg is v as an unsigned C argument of call(args...).
func uintArg(v int, call string, args ...any) (uint32, error) {
	if v < 0 || v > math.MaxUint32 {
		return 0, fail(InvalidInput, call, args...)
	}
	return uint32(v), nil
}

func kbToMiB(kb int64) uint64 {
	if kb <= 0 {
		return 0
	}
	return uint64(kb) / 1024
}
