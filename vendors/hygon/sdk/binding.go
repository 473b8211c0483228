package sdk

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sync"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// Default sonames, searched the usual way and then where Hygon's DTK puts
// them (/opt/hyhal).
var (
	rsmiNames = []string{"librocm_smi64.so", "librocm_smi64.so.2", "librocm_smi64.so.1", "/opt/hyhal/lib/librocm_smi64.so"}
	dmiNames  = []string{"libhydmi.so", "/opt/hyhal/lib/libhydmi.so"}
)

const dmiSoname = "libhydmi.so"

// Binding is Library over the real librocm_smi64.so and libhydmi.so.
type Binding struct {
	rsmiLib *dynlib.Library
	rsmi    rsmiFuncs
	// dmiLib is nil where libhydmi.so is absent or too old; dmiErr says why.
	dmiLib *dynlib.Library
	dmi    dmiFuncs
	dmiErr error

	// createMu serialises CreateVDevice: the library does not return the
	// new device's id, so it is found by comparing the lists before and
	// after, which only works one creation at a time.
	createMu sync.Mutex
}

var _ Library = (*Binding)(nil)

// Open loads librocm_smi64.so from path (the default sonames when empty)
// and libhydmi.so from beside it, falling back to its default sonames.
func Open(path string) (*Binding, error) {
	if path == "" {
		return OpenPaths("", "")
	}
	return OpenPaths(path, filepath.Join(filepath.Dir(path), dmiSoname))
}

// OpenPaths loads the two libraries from the given paths; an empty path
// means the default sonames. Only librocm_smi64.so is required: without
// libhydmi.so the virtual-device calls fail with sdkerr.ErrNotSupported.
func OpenPaths(rsmiPath, dmiPath string) (*Binding, error) {
	lib, err := dynlib.Open(candidates(rsmiPath, rsmiNames)...)
	if err != nil {
		return nil, fmt.Errorf("open rocm smi: %w", err)
	}
	b := &Binding{rsmiLib: lib}
	if err := lib.Bind(&b.rsmi); err != nil {
		return nil, errors.Join(err, lib.Close())
	}
	b.openDMI(candidates(dmiPath, dmiNames))
	return b, nil
}

func candidates(path string, defaults []string) []string {
	if path == "" {
		return defaults
	}
	return append([]string{path}, defaults...)
}

// openDMI loads libhydmi.so if it can; a driver without it (or with an
// older one) still monitors, so failing here is not fatal.
func (b *Binding) openDMI(names []string) {
	lib, err := dynlib.Open(names...)
	if err != nil {
		b.dmiErr = fmt.Errorf("%w: %w", errNoDMI, err)
		return
	}
	if err := lib.Bind(&b.dmi); err != nil {
		b.dmiErr = fmt.Errorf("%w: %w", errNoDMI, errors.Join(err, lib.Close()))
		b.dmi = dmiFuncs{}
		return
	}
	b.dmiLib = lib
}

// HasVirtualDevices reports whether libhydmi.so is loaded, and if not, why.
func (b *Binding) HasVirtualDevices() (bool, error) { return b.dmiLib != nil, b.dmiErr }

// Close unloads the libraries; call Shutdown first.
func (b *Binding) Close() error {
	var errs []error
	if b.dmiLib != nil {
		errs = append(errs, b.dmiLib.Close())
	}
	errs = append(errs, b.rsmiLib.Close())
	return errors.Join(errs...)
}

// Init initialises ROCm SMI (all flags off).
func (b *Binding) Init() error {
	if err := rsmiStatus(b.rsmi.Init(0)); err != nil {
		return fmt.Errorf("rsmi_init: %w", err)
	}
	return nil
}

// Shutdown releases ROCm SMI.
func (b *Binding) Shutdown() error {
	if err := rsmiStatus(b.rsmi.ShutDown()); err != nil {
		return fmt.Errorf("rsmi_shut_down: %w", err)
	}
	return nil
}

// DeviceCount is the number of DCUs ROCm SMI monitors.
func (b *Binding) DeviceCount() (int, error) {
	var n uint32
	if err := rsmiStatus(b.rsmi.NumDevices(&n)); err != nil {
		return 0, fmt.Errorf("rsmi_num_monitor_devices: %w", err)
	}
	return int(n), nil
}

// Memory is the device's VRAM total and use.
func (b *Binding) Memory(index int) (Memory, error) {
	dev, err := devIndex("rsmi_dev_memory_total_get", index)
	if err != nil {
		return Memory{}, err
	}
	var total, used uint64
	if err := rsmiStatus(b.rsmi.MemTotal(dev, rsmiMemVRAM, &total)); err != nil {
		return Memory{}, fmt.Errorf("rsmi_dev_memory_total_get(%d): %w", index, err)
	}
	if err := rsmiStatus(b.rsmi.MemUsage(dev, rsmiMemVRAM, &used)); err != nil {
		return Memory{}, fmt.Errorf("rsmi_dev_memory_usage_get(%d): %w", index, err)
	}
	return Memory{TotalMiB: total >> 20, UsedMiB: used >> 20}, nil
}

// Utilization is the device's busy percent.
func (b *Binding) Utilization(index int) (int, error) {
	dev, err := devIndex("rsmi_dev_busy_percent_get", index)
	if err != nil {
		return 0, err
	}
	var busy uint32
	if err := rsmiStatus(b.rsmi.BusyPercent(dev, &busy)); err != nil {
		return 0, fmt.Errorf("rsmi_dev_busy_percent_get(%d): %w", index, err)
	}
	return int(busy), nil
}

// Healthy is false when the device cannot report its busy percent; an
// error only for a bad index or an uninitialised library.
func (b *Binding) Healthy(index int) (bool, error) {
	return healthFrom(b.Utilization(index))
}

// healthFrom turns a busy-percent answer into health, the same way for the
// binding and the fake.
func healthFrom(_ int, err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, sdkerr.ErrInvalidArgument), errors.Is(err, sdkerr.ErrUninitialized):
		return false, err
	default:
		return false, nil
	}
}

// devIndex refuses an index that would wrap in the library's uint32 with
// the status the library gives any index it does not have.
func devIndex(call string, index int) (uint32, error) {
	if index < 0 || index > math.MaxInt32 {
		return 0, fmt.Errorf("%s(%d): %w", call, index, rsmiStatus(rsmiInvalidArgs))
	}
	return uint32(index), nil
}

// cInt is v as a C int for libhydmi.so, false where it would wrap.
func cInt(v int) (int32, bool) {
	return int32(v), v >= math.MinInt32 && v <= math.MaxInt32
}
