package policy

import (
	"strings"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/request"
)

// Request is one container's demand on one vendor, with the pod's selection
// for that vendor and the device policy in force.
type Request struct {
	request.Request
	Selection request.Selection
	// Policy is the device policy: binpack, spread, topology-aware or numa.
	Policy string
}

// Choice is one device given to the request.
type Choice struct {
	// Device is the position in the inventory's Devices.
	Device    int
	ID        string
	MemoryMiB int64
	Cores     int32
	Mode      string
	Exclusive bool
	Profile   string
	Placement int32
	Size      int32
}

// check decides whether device i alone can take one device's share of req.
// It fills out on success and why on refusal (out-parameters, not results:
// this runs for every device of every node, and copying a Choice through
// three frames showed up as its main cost).
func check(inv *device.NodeInventory, i int, du *DeviceUsage, req *Request, out *Choice, why *Reason) bool {
	d := &inv.Devices[i]
	reject := func(c Code, detail string) bool {
		*why = Reason{Code: c, Device: d.ID, Detail: detail}
		return false
	}
	if !d.Healthy {
		return reject(Unhealthy, "")
	}
	if code, ok := checkSelection(d, &req.Selection); !ok {
		return reject(code, "")
	}
	mode, ok := modeFor(d, req)
	if !ok {
		return reject(ModeUnsupported, mode)
	}
	if du.Mode != "" && du.Mode != mode {
		return reject(ModeConflict, du.Mode)
	}
	if du.Exclusive {
		return reject(HeldExclusively, "")
	}
	exclusive := mode == device.ModeExclusive || req.Cores >= 100
	if exclusive && du.Tenants > 0 {
		return reject(NotIdle, "")
	}
	if isPartitioned(mode) {
		return checkProfile(d, i, du, req, mode, out, why)
	}
	return checkShare(inv, i, du, req, mode, exclusive, out, why)
}

func checkShare(inv *device.NodeInventory, i int, du *DeviceUsage, req *Request, mode string, exclusive bool, out *Choice, why *Reason) bool {
	d := &inv.Devices[i]
	if du.Tenants >= d.SplitCount {
		*why = Reason{Code: NoTenantSlot, Device: d.ID, Want: int64(d.SplitCount), Have: int64(du.Tenants)}
		return false
	}
	memCap := d.MemoryCapacityMiB(inv.Scaling)
	mem, cores := memoryFor(d, req), req.Cores
	if exclusive {
		mem, cores = memCap, 100
	}
	if free := memCap - du.MemoryMiB; mem > free {
		*why = Reason{Code: InsufficientMemory, Device: d.ID, Want: mem, Have: max(free, 0)}
		return false
	}
	if free := d.CoreCapacity(inv.Scaling) - du.Cores; cores > free {
		*why = Reason{Code: InsufficientCores, Device: d.ID, Want: int64(cores), Have: int64(max(free, 0))}
		return false
	}
	// Field by field: a composite literal zeroes and copies the whole struct,
	// which measured as the largest cost of a check.
	out.Device, out.ID, out.MemoryMiB, out.Cores = i, d.ID, mem, cores
	out.Mode, out.Exclusive = mode, exclusive
	out.Profile, out.Placement, out.Size = "", 0, 0
	return true
}

// checkProfile takes the smallest profile of the mode that holds the request
// and still has a free placement on the device.
func checkProfile(d *device.Device, i int, du *DeviceUsage, req *Request, mode string, out *Choice, why *Reason) bool {
	mem := memoryFor(d, req)
	best := -1
	var bestStart int32
	for j := range d.Profiles {
		p := &d.Profiles[j]
		if p.Mode != mode || p.MemoryMiB < mem || p.Cores < req.Cores {
			continue
		}
		if best >= 0 && !smaller(p, &d.Profiles[best]) {
			continue
		}
		if du.profileCount(p.Name) >= p.MaxCount {
			continue
		}
		if start, ok := freePlacement(d, p, du.Slices); ok {
			best, bestStart = j, start
		}
	}
	if best < 0 {
		*why = Reason{Code: NoProfile, Device: d.ID, Want: mem, Detail: mode}
		return false
	}
	p := &d.Profiles[best]
	*out = Choice{Device: i, ID: d.ID, MemoryMiB: p.MemoryMiB, Cores: p.Cores, Mode: mode,
		Profile: p.Name, Placement: bestStart, Size: p.Size}
	return true
}

func smaller(a, b *device.Profile) bool {
	if a.MemoryMiB != b.MemoryMiB {
		return a.MemoryMiB < b.MemoryMiB
	}
	if a.Size != b.Size {
		return a.Size < b.Size
	}
	return a.Cores < b.Cores
}

func freePlacement(d *device.Device, p *device.Profile, used uint64) (int32, bool) {
	if len(p.Placements) > 0 {
		for _, s := range p.Placements {
			if used&sliceMask(s, p.Size) == 0 {
				return s, true
			}
		}
		return 0, false
	}
	for s := int32(0); s+p.Size <= d.Slices; s++ {
		if used&sliceMask(s, p.Size) == 0 {
			return s, true
		}
	}
	return 0, false
}

// modeFor is the requested mode, or else hami-core where the device has it,
// or else the device's first mode; ok is false when the device lacks it.
func modeFor(d *device.Device, req *Request) (string, bool) {
	if m := req.Selection.Mode; m != "" {
		return m, d.HasMode(m)
	}
	if d.HasMode(device.ModeHAMiCore) {
		return device.ModeHAMiCore, true
	}
	if len(d.Modes) == 0 {
		return device.ModeHAMiCore, false
	}
	return d.Modes[0], true
}

func isPartitioned(mode string) bool {
	return mode == device.ModeMIG || mode == device.ModeTemplate
}

// memoryFor is the request's memory on d in MiB: percent of the physical
// memory, rounded up to the device's allocation unit.
func memoryFor(d *device.Device, req *Request) int64 {
	mem := req.MemoryMiB
	if req.MemoryPercent > 0 {
		mem = (d.MemoryMiB*int64(req.MemoryPercent) + 99) / 100
	}
	if u := d.MemoryUnitMiB; u > 1 {
		mem = (mem + u - 1) / u * u
	}
	return mem
}

func checkSelection(d *device.Device, s *request.Selection) (Code, bool) {
	if len(s.UseUUIDs) > 0 && !containsFold(s.UseUUIDs, d.ID) {
		return UUIDNotIncluded, false
	}
	if containsFold(s.NoUseUUIDs, d.ID) {
		return UUIDExcluded, false
	}
	if len(s.UseTypes) > 0 && !MatchesModel(s.UseTypes, d.Type) {
		return TypeNotIncluded, false
	}
	if MatchesModel(s.NoUseTypes, d.Type) {
		return TypeExcluded, false
	}
	return 0, true
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// MatchesModel reports whether any entry of a use-type or nouse-type list
// selects the device model: a case-insensitive substring match, so "A100"
// selects "NVIDIA A100-SXM4-80GB" as HAMi users expect. The webhook uses it
// too, so its warnings agree with the scheduler's choices.
func MatchesModel(list []string, model string) bool {
	for _, x := range list {
		if containsFoldSub(model, x) {
			return true
		}
	}
	return false
}

func containsFoldSub(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
