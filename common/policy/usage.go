package policy

import (
	"slices"

	"github.com/hami-project/hami/common/device"
)

// DeviceUsage is what is already handed out on one device.
type DeviceUsage struct {
	MemoryMiB int64
	Cores     int32
	Tenants   int32
	// Exclusive is set when a tenant holds the whole device.
	Exclusive bool
	// Mode is the mode the device is used in; empty while idle. A device
	// cut into MIG instances cannot take hami-core tenants, and back.
	Mode string
	// Slices is the bitmask of slices occupied by fixed partitions.
	Slices uint64
	// Profiles counts the instances of each profile on the device.
	Profiles []ProfileCount
}

// ProfileCount is the number of instances of one profile.
type ProfileCount struct {
	Name  string
	Count int32
}

// NodeUsage is the usage of one inventory's devices: NodeUsage[i] belongs to
// inventory.Devices[i]. A nil or short NodeUsage means idle devices.
type NodeUsage []DeviceUsage

// idle is the usage of a device no one uses; read only.
var idle DeviceUsage

// ref returns the usage of device i to read, without copying it.
func (u NodeUsage) ref(i int) *DeviceUsage {
	if i < len(u) {
		return &u[i]
	}
	return &idle
}

// At returns the usage of device i.
func (u NodeUsage) At(i int) DeviceUsage {
	if i < len(u) {
		return u[i]
	}
	return DeviceUsage{}
}

// Clone returns a copy sized for n devices that Add may change freely.
func (u NodeUsage) Clone(n int) NodeUsage {
	out := make(NodeUsage, n)
	copy(out, u)
	for i := range out {
		out[i].Profiles = slices.Clone(out[i].Profiles)
	}
	return out
}

// Add books a choice on the usage (which must be sized for the inventory).
func (u NodeUsage) Add(c Choice) {
	d := &u[c.Device]
	d.MemoryMiB += c.MemoryMiB
	d.Cores += c.Cores
	d.Tenants++
	d.Mode = c.Mode
	d.Exclusive = d.Exclusive || c.Exclusive
	if c.Profile != "" {
		d.Slices |= sliceMask(c.Placement, c.Size)
		d.addProfile(c.Profile)
	}
}

func (d *DeviceUsage) addProfile(name string) {
	for i := range d.Profiles {
		if d.Profiles[i].Name == name {
			d.Profiles[i].Count++
			return
		}
	}
	d.Profiles = append(d.Profiles, ProfileCount{Name: name, Count: 1})
}

func (d *DeviceUsage) profileCount(name string) int32 {
	for _, p := range d.Profiles {
		if p.Name == name {
			return p.Count
		}
	}
	return 0
}

func sliceMask(start, size int32) uint64 {
	if size <= 0 {
		return 0
	}
	return ((uint64(1) << uint(size)) - 1) << uint(start)
}

// Summary is what scoring reads of a whole inventory and its usage, summed
// once. The scheduler computes it when it builds a node's usage and keeps it
// beside that usage, so that filter, which scores every node of the cluster
// for every pod, does not walk every device of every node for it again.
type Summary struct {
	memUsed, coreUsed int64 // booked on healthy devices
	memCap, coreCap   int64 // what healthy devices may hand out
	// shareUnit is the memory unit (at least 1) of every device when all
	// take hami-core shares and round memory alike, so that a request
	// takes the same share of whichever device; 0 when they do not.
	shareUnit int64
}

// Summarize sums inv with its usage u.
func Summarize(inv *device.NodeInventory, u NodeUsage) *Summary {
	s := summarize(inv, u)
	return &s
}

func summarize(inv *device.NodeInventory, u NodeUsage) Summary {
	s := Summary{shareUnit: uniformShareUnit(inv)}
	s.memUsed, s.coreUsed, s.memCap, s.coreCap = totals(inv, u)
	return s
}

// summary is v's Summary, summed now when v carries none.
func (v *Vendor) summary() Summary {
	if v.Summary != nil {
		return *v.Summary
	}
	return summarize(v.Inventory, v.Usage)
}

// utilizationWith is the share of the healthy capacity in use once extra
// memory and cores are booked: the mean of the memory and compute shares,
// in [0, 1].
func (s *Summary) utilizationWith(extraMem int64, extraCores int32) float64 {
	if s.memCap == 0 || s.coreCap == 0 {
		return 0
	}
	memUsed, coreUsed := s.memUsed+extraMem, s.coreUsed+int64(extraCores)
	return (min(float64(memUsed)/float64(s.memCap), 1) + min(float64(coreUsed)/float64(s.coreCap), 1)) / 2
}

// totals sums the usage booked on the inventory's healthy devices and what
// they may hand out. Integer sums, and the usage read in place: copying
// each DeviceUsage out and converting per device showed as a tenth of
// filter's time.
func totals(inv *device.NodeInventory, u NodeUsage) (memUsed, coreUsed, memCap, coreCap int64) {
	for i := range inv.Devices {
		d := &inv.Devices[i]
		if !d.Healthy {
			continue
		}
		if i < len(u) {
			memUsed += u[i].MemoryMiB
			coreUsed += int64(u[i].Cores)
		}
		memCap += d.MemoryCapacityMiB(inv.Scaling)
		coreCap += int64(d.CoreCapacity(inv.Scaling))
	}
	return memUsed, coreUsed, memCap, coreCap
}

// uniformShareUnit is the memory unit of every device of inv when all take
// hami-core shares and round memory to the same unit; 0 otherwise.
func uniformShareUnit(inv *device.NodeInventory) int64 {
	if len(inv.Devices) == 0 {
		return 0
	}
	unit := max(inv.Devices[0].MemoryUnitMiB, 1)
	for i := range inv.Devices {
		d := &inv.Devices[i]
		if max(d.MemoryUnitMiB, 1) != unit || !d.HasMode(device.ModeHAMiCore) {
			return 0
		}
	}
	return unit
}
