package sdk

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// DefaultLibraryNames are where DCMI is looked for when Open gets no path:
// the soname, then the driver's usual install directories.
func DefaultLibraryNames() []string {
	return []string{
		"libdcmi.so",
		"/usr/local/dcmi/libdcmi.so",
		"/usr/local/Ascend/driver/lib64/driver/libdcmi.so",
	}
}

// dcmiFuncs are the DCMI calls the binding makes (testdata/dcmi_interface_api.h).
type dcmiFuncs struct {
	Init             func() int32                                                                   `sym:"dcmi_init"`
	CardList         func(num *int32, list *int32, n int32) int32                                   `sym:"dcmi_get_card_list"`
	DeviceNumInCard  func(card int32, num *int32) int32                                             `sym:"dcmi_get_device_num_in_card"`
	LogicID          func(logic *int32, card, dev int32) int32                                      `sym:"dcmi_get_device_logic_id"`
	PhyIDFromLogicID func(logic uint32, phy *uint32) int32                                          `sym:"dcmi_get_device_phyid_from_logicid"`
	DieV2            func(card, dev, kind int32, die *cDieID) int32                                 `sym:"dcmi_get_device_die_v2"`
	ChipInfo         func(card, dev int32, info *cChipInfo) int32                                   `sym:"dcmi_get_device_chip_info"`
	Health           func(card, dev int32, health *uint32) int32                                    `sym:"dcmi_get_device_health"`
	MemoryInfoV3     func(card, dev int32, info *cMemoryInfo) int32                                 `sym:"dcmi_get_device_memory_info_v3,optional"`
	HBMInfo          func(card, dev int32, info *cHBMInfo) int32                                    `sym:"dcmi_get_device_hbm_info,optional"`
	PCIeInfo         func(card, dev int32, info *cPCIeInfo) int32                                   `sym:"dcmi_get_device_pcie_info_v2,optional"`
	Utilization      func(card, dev, kind int32, rate *uint32) int32                                `sym:"dcmi_get_device_utilization_rate"`
	CreateVDevice    func(card, dev int32, in *cCreateVDevRes, out *cCreateVDevOut) int32           `sym:"dcmi_create_vdevice"`
	DestroyVDevice   func(card, dev int32, id uint32) int32                                         `sym:"dcmi_set_destroy_vdevice"`
	DeviceInfo       func(card, dev, cmd int32, sub uint32, buf unsafe.Pointer, size *uint32) int32 `sym:"dcmi_get_device_info,optional"`
}

// Binding is Library over the real libdcmi.so, loaded at run time.
type Binding struct {
	lib *dynlib.Library
	fn  dcmiFuncs
	// sysfs is where PCI devices' NUMA nodes are read.
	sysfs string

	// mu guards devices, the table Init builds.
	mu      sync.RWMutex
	devices []dieAddr
}

var _ Library = (*Binding)(nil)

// dieAddr is what Init learns about one die.
type dieAddr struct {
	card, dev int32
	logic     uint32
	phy       uint32
	chip      cChipInfo
	model     Model
	known     bool
}

// Option changes how Open binds.
type Option func(*Binding)

// WithSysfsRoot reads PCI devices' NUMA nodes under root instead of /sys.
func WithSysfsRoot(root string) Option { return func(b *Binding) { b.sysfs = root } }

// Open loads DCMI from path, or from DefaultLibraryNames when path is
// empty, and binds its calls. Call Init before anything else.
func Open(path string, opts ...Option) (*Binding, error) {
	b := &Binding{sysfs: "/sys"}
	for _, o := range opts {
		o(b)
	}
	lib, err := dynlib.OpenBound(path, DefaultLibraryNames(), &b.fn)
	if err != nil {
		return nil, fmt.Errorf("open dcmi: %w", err)
	}
	b.lib = lib
	if b.fn.MemoryInfoV3 == nil && b.fn.HBMInfo == nil {
		return nil, fmt.Errorf("open dcmi %s: %w", lib.Path(),
			closeOnError(fmt.Errorf("neither dcmi_get_device_memory_info_v3 nor dcmi_get_device_hbm_info: %w", sdkerr.ErrNotSupported), lib))
	}
	return b, nil
}

// closeOnError unloads lib after a failed Open, keeping both errors.
func closeOnError(err error, lib *dynlib.Library) error {
	if cerr := lib.Close(); cerr != nil {
		return fmt.Errorf("%w (and %w)", err, cerr)
	}
	return err
}

// Close unloads the library; the Binding must not be used afterwards.
func (b *Binding) Close() error { return b.lib.Close() }

// Init initialises DCMI and learns the node's dies.
func (b *Binding) Init() error {
	if err := check("dcmi_init()", b.fn.Init()); err != nil {
		return err
	}
	devices, err := b.enumerate()
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.devices = devices
	b.mu.Unlock()
	return nil
}

// Shutdown forgets the device table. DCMI has no shutdown call; the
// library stays loaded until Close.
func (b *Binding) Shutdown() error {
	b.mu.Lock()
	b.devices = nil
	b.mu.Unlock()
	return nil
}

// DeviceCount is how many dies Init found.
func (b *Binding) DeviceCount() (int, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.devices == nil {
		return 0, sdkerr.ErrUninitialized
	}
	return len(b.devices), nil
}

func (b *Binding) die(index int) (dieAddr, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.devices == nil {
		return dieAddr{}, sdkerr.ErrUninitialized
	}
	if index < 0 || index >= len(b.devices) {
		return dieAddr{}, fmt.Errorf("device %d of %d: %w", index, len(b.devices), sdkerr.ErrNoDevice)
	}
	return b.devices[index], nil
}
