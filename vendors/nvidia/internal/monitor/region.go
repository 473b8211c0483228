// Package monitor owns the node monitor: a read-only reader of the
// containers' hami-core regions (hami-core/src/region.h) and a Prometheus
// collector over those regions and NVML.
package monitor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Layout of struct hami_region, version 1 (hami-core/src/region.h):
//
//	magic u64 | version u32 | size u32 | lock pthread_mutex_t |
//	mem_limit[16] u64 | sm_limit[16] i32 | policy i32 | pad i32 |
//	used_total[16] u64 | gcra_tat[16] u64 | slots[512]
//	slot: state i32 | pid i32 | devices u32 | pad u32 | used[16] u64
//
// The mutex's size depends on the C library and architecture (40 bytes on
// x86_64 glibc, 48 on arm64), so it is derived from the size field.
const (
	regionMagic   = 0x4845474552494d41
	regionVersion = 1
	maxDevices    = 16
	regionSlots   = 512
	slotSize      = 16 + 8*maxDevices
	// fixedSize is the size of everything but the mutex.
	fixedSize = 16 + 8*maxDevices + 4*maxDevices + 8 + 8*maxDevices + 8*maxDevices + regionSlots*slotSize
	slotLive  = 1
)

// Errors of the reader.
var (
	ErrNotRegion      = errors.New("not a hami-core region")
	ErrUnknownVersion = errors.New("unknown hami-core region version")
)

// Region is what the monitor reads from one container's region.
type Region struct {
	Version uint32
	// Per container device i (the i-th of NVIDIA_VISIBLE_DEVICES).
	MemoryLimit [maxDevices]uint64
	MemoryUsed  [maxDevices]uint64
	SMLimit     [maxDevices]int32
	Policy      int32
	// Processes is the number of live process slots.
	Processes int
}

// ReadRegion reads a region file without locking it: totals are written
// under the region's lock and read lock-free by design (atomic in C), so a
// reader sees a value that was true at some moment.
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

// ParseRegion decodes a region; a newer version is reported, not guessed.
func ParseRegion(data []byte) (*Region, error) {
	le := binary.LittleEndian
	if len(data) < 16 || le.Uint64(data) != regionMagic {
		return nil, ErrNotRegion
	}
	r := &Region{Version: le.Uint32(data[8:])}
	if r.Version != regionVersion {
		return nil, fmt.Errorf("%w: %d (this monitor reads %d)", ErrUnknownVersion, r.Version, regionVersion)
	}
	size := int(le.Uint32(data[12:]))
	lock := size - fixedSize
	if lock < 24 || lock > 64 || len(data) < size {
		return nil, fmt.Errorf("%w: size %d does not match version %d", ErrNotRegion, size, r.Version)
	}
	off := 16 + lock
	for i := range maxDevices {
		r.MemoryLimit[i] = le.Uint64(data[off+8*i:])
	}
	off += 8 * maxDevices
	for i := range maxDevices {
		r.SMLimit[i] = int32(le.Uint32(data[off+4*i:]))
	}
	off += 4 * maxDevices
	r.Policy = int32(le.Uint32(data[off:]))
	off += 8
	for i := range maxDevices {
		r.MemoryUsed[i] = le.Uint64(data[off+8*i:])
	}
	off += 16 * maxDevices // used_total and gcra_tat
	for s := range regionSlots {
		if int32(le.Uint32(data[off+s*slotSize:])) == slotLive {
			r.Processes++
		}
	}
	return r, nil
}
