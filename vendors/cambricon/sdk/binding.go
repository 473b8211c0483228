package sdk

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hami-project/hami/common/dynlib"
)

// DefaultLibraryNames are tried in order when Open is given no path: the
// soname on the loader's path, then where Cambricon's Neuware installs it.
func DefaultLibraryNames() []string {
	return []string{"libcndev.so", "/usr/local/neuware/lib64/libcndev.so"}
}

// Binding is Library over the real libcndev.so.
type Binding struct {
	lib *dynlib.Library
	c   cndev
}

// Open loads libcndev.so from path (DefaultLibraryNames when empty) and binds
// its calls; Init must still be called before any other.
func Open(path string) (*Binding, error) {
	b := &Binding{}
	lib, err := dynlib.OpenBound(path, DefaultLibraryNames(), &b.c)
	if err != nil {
		return nil, fmt.Errorf("open cndev: %w", err)
	}
	b.lib = lib
	return b, nil
}

// Close unloads the library.
func (b *Binding) Close() error { return b.lib.Close() }

// Init initialises CNDev.
func (b *Binding) Init() error { return check("cndevInit", 0, b.c.Init(0)) }

// Shutdown releases CNDev.
func (b *Binding) Shutdown() error { return check("cndevRelease", 0, b.c.Release()) }

// DeviceCount is the number of cards.
func (b *Binding) DeviceCount() (int, error) {
	info := cardInfo{Version: cndevVersion}
	if err := check("cndevGetDeviceCount", 0, b.c.GetDeviceCount(&info)); err != nil {
		return 0, err
	}
	return int(info.Number), nil
}

// handle is the card's cndevDevice_t. It is asked for on every call rather
// than cached, so the Binding keeps no state that a driver reload could
// make stale.
func (b *Binding) handle(index int) (int32, error) {
	var h int32
	err := check("cndevGetDeviceHandleByIndex", index, b.c.GetDeviceHandle(int32(index), &h))
	return h, err
}

// Device is the card's identity. Model is the product family CNDev reports
// (e.g. MLU370); the driver numbers a card's device files by its index, so
// Minor is the index.
func (b *Binding) Device(index int) (Device, error) {
	h, err := b.handle(index)
	if err != nil {
		return Device{}, err
	}
	u := uuidInfo{Version: cndevVersion}
	if err := check("cndevGetUUID", index, b.c.GetUUID(&u, h)); err != nil {
		return Device{}, err
	}
	name := cardName{Version: cndevVersion}
	if err := check("cndevGetCardName", index, b.c.GetCardName(&name, h)); err != nil {
		return Device{}, err
	}
	sn := cardSN{Version: cndevVersion}
	if err := check("cndevGetCardSN", index, b.c.GetCardSN(&sn, h)); err != nil {
		return Device{}, err
	}
	return Device{
		Index:  index,
		Minor:  index,
		UUID:   cardUUID(dynlib.GoString(u.UUID[:])),
		Model:  familyName(name.ID),
		Serial: strconv.FormatUint(sn.SN, 16),
	}, nil
}

// cardUUID writes a card's UUID as the rest of HAMi and Cambricon's device
// plugin do: with an MLU- prefix, which CNDev leaves out.
func cardUUID(raw string) string {
	if raw == "" || strings.HasPrefix(raw, "MLU-") {
		return raw
	}
	return "MLU-" + raw
}

func familyName(id int32) string {
	names := map[int32]string{
		0: "MLU100", 1: "MLU270", 16: "MLU220-M.2", 17: "MLU220-EDGE", 18: "MLU220-EVB",
		19: "MLU220-M.2i", 20: "MLU290", 23: "MLU370", 24: "MLU365", 25: "CE3226", 26: "MLU590",
	}
	if n, ok := names[id]; ok {
		return n
	}
	return "MLU-unknown-" + strconv.Itoa(int(id))
}

// Memory is the card's physical memory.
func (b *Binding) Memory(index int) (Memory, error) {
	h, err := b.handle(index)
	if err != nil {
		return Memory{}, err
	}
	m := memoryInfoV2{Version: cndevVersion}
	if err := check("cndevGetMemoryUsageV2", index, b.c.GetMemoryUsageV2(&m, h)); err != nil {
		return Memory{}, err
	}
	return Memory{TotalMiB: int(m.PhysicalMemoryTotal), UsedMiB: int(m.PhysicalMemoryUsed)}, nil
}

// Utilization is the average core utilisation; 0 on a driver without the
// call, which only makes the metric flat.
func (b *Binding) Utilization(index int) (int, error) {
	if b.c.GetUtilization == nil {
		return 0, nil
	}
	h, err := b.handle(index)
	if err != nil {
		return 0, err
	}
	u := utilizationInfo{Version: cndevVersion}
	if err := check("cndevGetDeviceUtilizationInfo", index, b.c.GetUtilization(&u, h)); err != nil {
		return 0, err
	}
	return int(u.AverageCoreUtilization), nil
}

// Healthy is the card's health state.
func (b *Binding) Healthy(index int) (bool, error) {
	h, err := b.handle(index)
	if err != nil {
		return false, err
	}
	s := healthState{Version: cndevVersion}
	if err := check("cndevGetCardHealthState", index, b.c.GetCardHealthState(&s, h)); err != nil {
		return false, err
	}
	return s.Health == healthStateHealthy, nil
}

// NUMANode is the card's NUMA node.
func (b *Binding) NUMANode(index int) (int, error) {
	h, err := b.handle(index)
	if err != nil {
		return 0, err
	}
	n := numaNodeID{Version: cndevVersion}
	if err := check("cndevGetNUMANodeIdByDevId", index, b.c.GetNUMANodeID(&n, h)); err != nil {
		return 0, err
	}
	return int(n.NodeID), nil
}
