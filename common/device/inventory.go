package device

import (
	"time"
	"unique"
)

// Schema identifiers of the inventory document.
const (
	APIVersionV1 = "inventory.hami.io/v1"
	Kind         = "NodeInventory"
)

// Device modes a device can be used in.
const (
	ModeHAMiCore  = "hami-core"
	ModeMIG       = "mig"
	ModeMPS       = "mps"
	ModeExclusive = "exclusive"
	// ModeTemplate is a vendor partition cut from fixed templates (Ascend vNPU).
	ModeTemplate = "template"
)

// Canonical returns the one shared copy of a short string that decoded
// documents repeat thousands of times (a mode, a vendor): the package's
// constant for a known mode, else an interned copy. Placement compares
// these for every device of every node; with every inventory pointing at
// the same bytes, the comparisons stay in cache.
func Canonical(s string) string {
	switch s {
	case ModeHAMiCore:
		return ModeHAMiCore
	case ModeMIG:
		return ModeMIG
	case ModeMPS:
		return ModeMPS
	case ModeExclusive:
		return ModeExclusive
	case ModeTemplate:
		return ModeTemplate
	}
	return unique.Make(s).Value()
}

// NoNUMA marks a device whose NUMA node is unknown.
const NoNUMA = -1

// NodeInventory is everything one vendor plugin knows about its node.
type NodeInventory struct {
	APIVersion    string    `json:"apiVersion"`
	Kind          string    `json:"kind"`
	Node          string    `json:"node"`
	Vendor        string    `json:"vendor"`
	PluginVersion string    `json:"pluginVersion"`
	Resources     Resources `json:"resources"`
	Devices       []Device  `json:"devices"`
	Scaling       Scaling   `json:"scaling"`
	PublishedAt   time.Time `json:"publishedAt"`
	TTLSeconds    int32     `json:"ttlSeconds"`
}

// Resources names the extended resources and pod annotations this vendor
// answers to. The scheduler and webhook learn vendor names only from here and
// from config, never from code.
type Resources struct {
	Count         string   `json:"count"`
	Memory        string   `json:"memory,omitempty"`
	MemoryPercent string   `json:"memoryPercent,omitempty"`
	Cores         string   `json:"cores,omitempty"`
	Aliases       []Alias  `json:"aliases,omitempty"`
	Annotations   Selector `json:"annotations,omitzero"`
	// DefaultCores is the cores of a request naming none, in place of the
	// configuration's defaultCores (Cambricon and Hygon: 100, exclusive).
	DefaultCores *int32 `json:"defaultCores,omitempty"`
	// WholeDevices: a request for more than one device takes whole
	// devices; memory may not be given with it, and cores only as 100.
	WholeDevices bool `json:"wholeDevices,omitempty"`
}

// Role says which quantity a resource name stands for.
type Role string

// Roles of a resource name.
const (
	RoleCount         Role = "count"
	RoleMemory        Role = "memory"
	RoleMemoryPercent Role = "memoryPercent"
	RoleCores         Role = "cores"
)

// Alias is another resource name for one of the roles, e.g. Volcano's
// volcano.sh/vgpu-memory for memory.
type Alias struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// UnitMiB is the MiB one unit of a memory alias stands for (HAMi's
	// cambricon.com/mlu.smlu.vmemory counts 256 MiB units); 0 means 1.
	UnitMiB int64 `json:"unitMiB,omitempty"`
}

// Selector names the pod annotations that narrow the choice of device.
type Selector struct {
	UseType   string `json:"useType,omitempty"`
	NoUseType string `json:"noUseType,omitempty"`
	UseUUID   string `json:"useUUID,omitempty"`
	NoUseUUID string `json:"noUseUUID,omitempty"`
	Mode      string `json:"mode,omitempty"`
	NUMABind  string `json:"numaBind,omitempty"`
}

// Device is one physical accelerator.
type Device struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
	Type  string `json:"type"`
	// MemoryMiB is the physical memory; Scaling.MemoryScaling may let the
	// scheduler hand out more than this.
	MemoryMiB int64 `json:"memoryMiB"`
	// MemoryUnitMiB is the allocation granularity; requests round up to it.
	MemoryUnitMiB int64 `json:"memoryUnitMiB,omitempty"`
	// Cores is the device's compute in percent: 100 is the whole device.
	Cores int32 `json:"cores"`
	// SplitCount is the maximum number of tenants sharing the device.
	SplitCount int32    `json:"splitCount"`
	NUMA       int      `json:"numa"`
	Healthy    bool     `json:"healthy"`
	Modes      []string `json:"modes"`
	// Slices is the number of equal units fixed partitions are placed on
	// (7 compute slices on an H100 for MIG). Zero when Profiles is empty.
	Slices   int32     `json:"slices,omitempty"`
	Profiles []Profile `json:"profiles,omitempty"`
	// Links maps a peer device id to a link score; higher is faster
	// (e.g. NVLink above PCIe switch above PCIe host bridge).
	Links map[string]int32 `json:"links,omitempty"`
}

// Profile is a fixed partition the device can be cut into (a MIG profile, an
// Ascend vNPU template).
type Profile struct {
	Name      string `json:"name"`
	Mode      string `json:"mode"`
	MemoryMiB int64  `json:"memoryMiB"`
	// Cores is the share of the device's compute this partition gets.
	Cores    int32 `json:"cores"`
	MaxCount int32 `json:"maxCount"`
	// Size is how many of the device's slices one instance occupies.
	Size int32 `json:"size"`
	// Placements lists the slice indexes an instance may start at; empty
	// means any start where Size slices are free.
	Placements []int32 `json:"placements,omitempty"`
}

// Scaling holds the oversubscription factors of the node for this vendor.
type Scaling struct {
	// MemoryScaling above 1 lets the scheduler hand out more memory than the
	// devices have (the limiter then spills to host memory).
	MemoryScaling float64 `json:"memoryScaling"`
	CoreScaling   float64 `json:"coreScaling"`
}

// Key is the inventory's key in the key-value bucket: <vendor>.<node>.
func (inv *NodeInventory) Key() string { return Key(inv.Vendor, inv.Node) }

// Key builds the bucket key of a vendor on a node.
func Key(vendor, node string) string { return vendor + "." + node }

// Expired reports whether the inventory was not refreshed within its TTL.
func (inv *NodeInventory) Expired(now time.Time) bool {
	return now.Sub(inv.PublishedAt) > time.Duration(inv.TTLSeconds)*time.Second
}

// HasMode reports whether the device can be used in mode m.
func (d *Device) HasMode(m string) bool {
	for _, x := range d.Modes {
		if x == m {
			return true
		}
	}
	return false
}

// MemoryCapacityMiB is the memory the scheduler may hand out on d.
func (d *Device) MemoryCapacityMiB(s Scaling) int64 {
	if s.MemoryScaling <= 1 {
		return d.MemoryMiB
	}
	return int64(float64(d.MemoryMiB) * s.MemoryScaling)
}

// CoreCapacity is the compute share the scheduler may hand out on d.
func (d *Device) CoreCapacity(s Scaling) int32 {
	if s.CoreScaling <= 1 {
		return d.Cores
	}
	return int32(float64(d.Cores) * s.CoreScaling)
}
