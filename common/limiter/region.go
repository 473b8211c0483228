package limiter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Layout of struct hami_region, version 2 (hami-core/src/region.h): usage
// only, never limits. Fixed offsets, little-endian:
//
//	0 magic u64 | 8 version u32 | 12 size u32 | 16 lock (64 bytes) |
//	80 used_total[16] u64 | 208 gcra_tat[16] u64 | 336 busy_ns[16] u64 |
//	464 slots[512]
//	slot: state i32 | pid i32 | devices u32 | pad u32 | used[16] u64
const (
	regionMagic = 0x4845474552494d41
	regionSlots = 512
	slotSize    = 16 + 8*MaxDevices
	offUsed     = 80
	offBusy     = 336
	offSlots    = 464
	regionSize  = offSlots + regionSlots*slotSize
	slotLive    = 1
)

// The region as the library lays it out.
const (
	// RegionFile is the region's file name in a container's region directory.
	RegionFile = "region.cache"
	// RegionVersion is the layout version this reader knows.
	RegionVersion = 2
)

// Errors of the region reader.
var (
	ErrNotRegion      = errors.New("not a hami-core region")
	ErrUnknownVersion = errors.New("unknown hami-core region version")
)

// Region is the usage one container's processes share.
type Region struct {
	// MemoryUsed is device memory in use per container device, bytes.
	MemoryUsed [MaxDevices]uint64
	// BusyNs is the container's cumulative device time per container
	// device: two readings over an interval give its share of the device.
	BusyNs [MaxDevices]uint64
	// Processes is the number of live process slots.
	Processes int
}

// ReadRegion reads a region file without its lock: the totals are atomics
// in C, so each value read was true at some moment.
func ReadRegion(path string) (*Region, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read region %s: %w", path, err)
	}
	r, err := ParseRegion(data)
	if err != nil {
		return nil, fmt.Errorf("read region %s: %w", path, err)
	}
	return r, nil
}

// ParseRegion decodes a region; another version is reported, not guessed
// (version 1 held limits and is rebuilt by the library once unused).
func ParseRegion(data []byte) (*Region, error) {
	le := binary.LittleEndian
	if len(data) < 16 || le.Uint64(data) != regionMagic {
		return nil, ErrNotRegion
	}
	if v := le.Uint32(data[8:]); v != RegionVersion {
		return nil, fmt.Errorf("%w: %d (this reader knows version %d; upgrade the reader or restart the container's processes)",
			ErrUnknownVersion, v, RegionVersion)
	}
	if size := le.Uint32(data[12:]); size != regionSize || len(data) < regionSize {
		return nil, fmt.Errorf("%w: size %d, file %d bytes (version %d is %d bytes)", ErrNotRegion, size, len(data), RegionVersion, regionSize)
	}
	r := &Region{}
	for i := range MaxDevices {
		r.MemoryUsed[i] = le.Uint64(data[offUsed+8*i:])
		r.BusyNs[i] = le.Uint64(data[offBusy+8*i:])
	}
	for s := range regionSlots {
		if int32(le.Uint32(data[offSlots+s*slotSize:])) == slotLive {
			r.Processes++
		}
	}
	return r, nil
}

// MarshalBinary lays r out as the library would, its processes in the
// first slots: for tests and simulations of the node monitor (the library
// owns real regions; nothing in the plugin writes one).
func (r *Region) MarshalBinary() ([]byte, error) {
	if r.Processes < 0 || r.Processes > regionSlots {
		return nil, fmt.Errorf("region with %d processes: at most %d", r.Processes, regionSlots)
	}
	le := binary.LittleEndian
	data := make([]byte, regionSize)
	le.PutUint64(data, regionMagic)
	le.PutUint32(data[8:], RegionVersion)
	le.PutUint32(data[12:], regionSize)
	for i := range MaxDevices {
		le.PutUint64(data[offUsed+8*i:], r.MemoryUsed[i])
		le.PutUint64(data[offBusy+8*i:], r.BusyNs[i])
	}
	for s := range r.Processes {
		le.PutUint32(data[offSlots+s*slotSize:], slotLive)
	}
	return data, nil
}
