package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/dynlib"
)

// DefaultLibraryNames are tried in order when Open is given no path: the
// soname through the loader's search path, then where the CoreX toolkit
// installs it.
func DefaultLibraryNames() []string {
	return []string{"libixml.so", "libixml.so.1", "/usr/local/corex/lib64/libixml.so", "/usr/local/corex/lib/libixml.so"}
}

// Buffer sizes for the string calls (IXML_DEVICE_*_BUFFER_SIZE).
const (
	uuidBufferSize   = 80
	nameBufferSize   = 96
	serialBufferSize = 30
)

const mib = 1 << 20

// ixmlDevice is an ixmlDevice_t, an opaque pointer the library owns.
type ixmlDevice uintptr

// ixmlMemory is ixmlMemory_t: three unsigned long long, 24 bytes.
type ixmlMemory struct {
	Total uint64
	Free  uint64
	Used  uint64
}

// ixmlUtilization is ixmlUtilization_t: two unsigned int, 8 bytes.
type ixmlUtilization struct {
	GPU    uint32
	Memory uint32
}

// ixmlFuncs are the library's calls, bound by name (see testdata/ixml.h).
type ixmlFuncs struct {
	Init           func() Return                                  `sym:"ixmlInit_v2"`
	Shutdown       func() Return                                  `sym:"ixmlShutdown"`
	Count          func(n *uint32) Return                         `sym:"ixmlDeviceGetCount_v2"`
	HandleByIndex  func(i uint32, d *ixmlDevice) Return           `sym:"ixmlDeviceGetHandleByIndex_v2"`
	Index          func(d ixmlDevice, i *uint32) Return           `sym:"ixmlDeviceGetIndex"`
	UUID           func(d ixmlDevice, buf *byte, n uint32) Return `sym:"ixmlDeviceGetUUID"`
	Minor          func(d ixmlDevice, minor *uint32) Return       `sym:"ixmlDeviceGetMinorNumber"`
	Name           func(d ixmlDevice, buf *byte, n uint32) Return `sym:"ixmlDeviceGetName"`
	Serial         func(d ixmlDevice, buf *byte, n uint32) Return `sym:"ixmlDeviceGetSerial"`
	NUMANode       func(d ixmlDevice, node *uint32) Return        `sym:"ixmlDeviceGetNumaNodeId,optional"`
	MemoryInfo     func(d ixmlDevice, m *ixmlMemory) Return       `sym:"ixmlDeviceGetMemoryInfo"`
	Utilization    func(d ixmlDevice, u *ixmlUtilization) Return  `sym:"ixmlDeviceGetUtilizationRates"`
	Health         func(d ixmlDevice, bits *uint64) Return        `sym:"ixmlDeviceGetHealth"`
	CommonAncestor func(a, b ixmlDevice, level *int32) Return     `sym:"ixmlDeviceGetTopologyCommonAncestor"`
	OnSameBoard    func(a, b ixmlDevice, sameBoard *int32) Return `sym:"ixmlDeviceOnSameBoard"`
}

// Binding is the real libixml.so, loaded at run time.
type Binding struct {
	lib *dynlib.Library
	fn  ixmlFuncs
}

var _ Library = (*Binding)(nil)

// Open loads libixml.so from path, or from DefaultLibraryNames when path is
// empty, and binds its calls. Init must still be called.
func Open(path string) (*Binding, error) {
	b := &Binding{}
	lib, err := dynlib.OpenBound(path, DefaultLibraryNames(), &b.fn)
	if err != nil {
		return nil, fmt.Errorf("open ixml: %w", err)
	}
	b.lib = lib
	return b, nil
}

// Path is the library the binding loaded.
func (b *Binding) Path() string { return b.lib.Path() }

// Close unloads the library; call Shutdown first.
func (b *Binding) Close() error { return b.lib.Close() }

// Init initialises the library (ixmlInit_v2).
func (b *Binding) Init() error { return check(b.fn.Init(), "ixmlInit_v2") }

// Shutdown releases the library (ixmlShutdown).
func (b *Binding) Shutdown() error { return check(b.fn.Shutdown(), "ixmlShutdown") }

// DeviceCount is the number of chips (ixmlDeviceGetCount_v2).
func (b *Binding) DeviceCount() (int, error) {
	var n uint32
	if err := check(b.fn.Count(&n), "ixmlDeviceGetCount_v2"); err != nil {
		return 0, err
	}
	return int(n), nil
}

// handle is the library's handle of the chip at index.
func (b *Binding) handle(index int) (ixmlDevice, error) {
	const call = "ixmlDeviceGetHandleByIndex_v2"
	if index < 0 {
		return 0, check(ErrorInvalidArgument, call, index)
	}
	var d ixmlDevice
	return d, check(b.fn.HandleByIndex(uint32(index), &d), call, index)
}

// text reads one of the string calls into a buffer of size n.
func text(get func(ixmlDevice, *byte, uint32) Return, d ixmlDevice, n int, call string, index int) (string, error) {
	buf := make([]byte, n)
	if err := check(get(d, &buf[0], uint32(n)), call, index); err != nil {
		return "", err
	}
	return dynlib.GoString(buf), nil
}
