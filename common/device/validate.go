package device

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KnownModes are the device modes the placement policy treats specially;
// any other mode a vendor names (Cambricon's smlu, Hygon's vdcu) is a
// fractional share of memory and cores, so a new vendor mode needs no
// scheduler release.
var KnownModes = []string{ModeHAMiCore, ModeMIG, ModeMPS, ModeExclusive, ModeTemplate}

// ValidateMode checks that m can name a mode: a DNS label (lowercase
// letters, digits and '-', at most 63), as in hami-core or smlu.
func ValidateMode(p *field.Path, m string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(m) {
		errs = append(errs, field.Invalid(p, m, "a device mode such as hami-core, exclusive or a vendor's partition mode: "+msg))
	}
	return errs
}

// Decode parses an inventory document strictly and validates it. Every
// problem is reported with the field it concerns.
func Decode(data []byte) (*NodeInventory, error) {
	inv := &NodeInventory{}
	if err := decodeStrict(data, inv); err != nil {
		return nil, fmt.Errorf("decode inventory: %w", err)
	}
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	inv.canonicalize()
	return inv, nil
}

// canonicalize points the inventory's vendor and modes at shared copies.
func (inv *NodeInventory) canonicalize() {
	inv.Vendor = Canonical(inv.Vendor)
	for i := range inv.Devices {
		d := &inv.Devices[i]
		for j := range d.Modes {
			d.Modes[j] = Canonical(d.Modes[j])
		}
		for j := range d.Profiles {
			d.Profiles[j].Mode = Canonical(d.Profiles[j].Mode)
		}
	}
}

// Validate checks the inventory; the error lists every invalid field.
func (inv *NodeInventory) Validate() error {
	return inv.validate().ToAggregate()
}

func (inv *NodeInventory) validate() field.ErrorList {
	var errs field.ErrorList
	if inv.APIVersion != APIVersionV1 {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), inv.APIVersion, []string{APIVersionV1}))
	}
	if inv.Kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), inv.Kind, []string{Kind}))
	}
	for _, msg := range validation.IsDNS1123Subdomain(inv.Node) {
		errs = append(errs, field.Invalid(field.NewPath("node"), inv.Node, msg))
	}
	for _, msg := range validation.IsDNS1123Label(inv.Vendor) {
		errs = append(errs, field.Invalid(field.NewPath("vendor"), inv.Vendor, msg))
	}
	errs = append(errs, inv.Resources.Validate(field.NewPath("resources"))...)
	errs = append(errs, inv.Scaling.validate(field.NewPath("scaling"))...)
	errs = append(errs, validateDevices(inv.Devices, field.NewPath("devices"))...)
	if inv.PublishedAt.IsZero() {
		errs = append(errs, field.Required(field.NewPath("publishedAt"), "set it to the time of publishing"))
	}
	if inv.TTLSeconds <= 0 {
		errs = append(errs, field.Invalid(field.NewPath("ttlSeconds"), inv.TTLSeconds, "must be positive: how long the inventory stays valid without a refresh"))
	}
	return errs
}

// Validate checks the resource names found at path p; config reuses it for the
// vendor entries it declares.
func (r *Resources) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if r.Count == "" {
		errs = append(errs, field.Required(p.Child("count"), "name the resource that counts devices, e.g. nvidia.com/gpu"))
	}
	seen := map[string]string{}
	check := func(fp *field.Path, name string) {
		if name == "" {
			return
		}
		for _, msg := range validation.IsQualifiedName(name) {
			errs = append(errs, field.Invalid(fp, name, msg))
		}
		if prev, dup := seen[name]; dup {
			errs = append(errs, field.Duplicate(fp, name+" (also "+prev+")"))
		}
		seen[name] = fp.String()
	}
	check(p.Child("count"), r.Count)
	check(p.Child("memory"), r.Memory)
	check(p.Child("memoryPercent"), r.MemoryPercent)
	check(p.Child("cores"), r.Cores)
	roles := []string{string(RoleCount), string(RoleMemory), string(RoleMemoryPercent), string(RoleCores)}
	for i, a := range r.Aliases {
		ap := p.Child("aliases").Index(i)
		check(ap.Child("name"), a.Name)
		if a.Name == "" {
			errs = append(errs, field.Required(ap.Child("name"), ""))
		}
		if !slices.Contains(roles, string(a.Role)) {
			errs = append(errs, field.NotSupported(ap.Child("role"), a.Role, roles))
		}
		if a.UnitMiB < 0 || a.UnitMiB > 0 && a.Role != RoleMemory {
			errs = append(errs, field.Invalid(ap.Child("unitMiB"), a.UnitMiB, "only a memory alias has a unit, and it is positive (MiB per unit)"))
		}
	}
	if r.DefaultCores != nil && (*r.DefaultCores < 0 || *r.DefaultCores > 100) {
		errs = append(errs, field.Invalid(p.Child("defaultCores"), *r.DefaultCores, "a percentage of one device: 0 to 100"))
	}
	return errs
}

func (s *Scaling) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.MemoryScaling < 1 {
		errs = append(errs, field.Invalid(p.Child("memoryScaling"), s.MemoryScaling, "must be at least 1 (1 = no oversubscription)"))
	}
	if s.CoreScaling < 1 {
		errs = append(errs, field.Invalid(p.Child("coreScaling"), s.CoreScaling, "must be at least 1 (1 = no oversubscription)"))
	}
	return errs
}

func validateDevices(devs []Device, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	ids := make(map[string]bool, len(devs))
	indexes := make(map[int]bool, len(devs))
	for i := range devs {
		d := &devs[i]
		dp := p.Index(i)
		if d.ID == "" {
			errs = append(errs, field.Required(dp.Child("id"), "the device's UUID"))
		} else if ids[d.ID] {
			errs = append(errs, field.Duplicate(dp.Child("id"), d.ID))
		}
		ids[d.ID] = true
		if indexes[d.Index] {
			errs = append(errs, field.Duplicate(dp.Child("index"), d.Index))
		}
		indexes[d.Index] = true
		errs = append(errs, d.validate(dp)...)
	}
	for i := range devs {
		for peer, score := range devs[i].Links {
			lp := p.Index(i).Child("links").Key(peer)
			if !ids[peer] || peer == devs[i].ID {
				errs = append(errs, field.Invalid(lp, peer, "must name another device of this inventory"))
			}
			if score < 0 {
				errs = append(errs, field.Invalid(lp, score, "link score must not be negative"))
			}
		}
	}
	return errs
}

func (d *Device) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if d.Index < 0 {
		errs = append(errs, field.Invalid(p.Child("index"), d.Index, "must not be negative"))
	}
	if d.Type == "" {
		errs = append(errs, field.Required(p.Child("type"), "the device model, e.g. NVIDIA H100 80GB HBM3"))
	}
	if d.MemoryMiB <= 0 {
		errs = append(errs, field.Invalid(p.Child("memoryMiB"), d.MemoryMiB, "must be positive"))
	}
	if d.MemoryUnitMiB < 0 || (d.MemoryUnitMiB > 0 && d.MemoryUnitMiB > d.MemoryMiB) {
		errs = append(errs, field.Invalid(p.Child("memoryUnitMiB"), d.MemoryUnitMiB, "must be between 0 (no rounding) and memoryMiB"))
	}
	if d.Cores <= 0 || d.Cores > 100 {
		errs = append(errs, field.Invalid(p.Child("cores"), d.Cores, "must be in 1..100 (100 = whole device)"))
	}
	if d.SplitCount < 1 {
		errs = append(errs, field.Invalid(p.Child("splitCount"), d.SplitCount, "must be at least 1 (1 = no sharing)"))
	}
	if d.NUMA < NoNUMA {
		errs = append(errs, field.Invalid(p.Child("numa"), d.NUMA, "must be -1 (unknown) or a NUMA node number"))
	}
	if len(d.Modes) == 0 {
		errs = append(errs, field.Required(p.Child("modes"), "list the modes the device supports, e.g. hami-core"))
	}
	for i, m := range d.Modes {
		errs = append(errs, ValidateMode(p.Child("modes").Index(i), m)...)
	}
	errs = append(errs, d.validateProfiles(p)...)
	return errs
}

func (d *Device) validateProfiles(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(d.Profiles) > 0 && d.Slices <= 0 {
		errs = append(errs, field.Invalid(p.Child("slices"), d.Slices, "must be positive when profiles are listed"))
	}
	names := map[string]bool{}
	for i, pr := range d.Profiles {
		pp := p.Child("profiles").Index(i)
		if pr.Name == "" {
			errs = append(errs, field.Required(pp.Child("name"), "e.g. 1g.10gb"))
		} else if names[pr.Name] {
			errs = append(errs, field.Duplicate(pp.Child("name"), pr.Name))
		}
		names[pr.Name] = true
		if !d.HasMode(pr.Mode) {
			errs = append(errs, field.Invalid(pp.Child("mode"), pr.Mode, "must be one of the device's modes"))
		}
		if pr.MemoryMiB <= 0 || pr.MemoryMiB > d.MemoryMiB {
			errs = append(errs, field.Invalid(pp.Child("memoryMiB"), pr.MemoryMiB, "must be in 1..the device's memoryMiB"))
		}
		if pr.Cores <= 0 || pr.Cores > 100 {
			errs = append(errs, field.Invalid(pp.Child("cores"), pr.Cores, "must be in 1..100"))
		}
		if pr.MaxCount < 1 {
			errs = append(errs, field.Invalid(pp.Child("maxCount"), pr.MaxCount, "must be at least 1"))
		}
		if pr.Size < 1 || pr.Size > d.Slices {
			errs = append(errs, field.Invalid(pp.Child("size"), pr.Size, "must be in 1..the device's slices"))
		}
		for j, start := range pr.Placements {
			if start < 0 || start+pr.Size > d.Slices {
				errs = append(errs, field.Invalid(pp.Child("placements").Index(j), start, "an instance starting here would not fit in the device's slices"))
			}
		}
	}
	return errs
}
