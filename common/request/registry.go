package request

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
)

// Registry maps resource names to the vendor and quantity they stand for. It
// is immutable once built; build a new one when config or inventories change.
type Registry struct {
	byName  map[string]entry
	vendors map[string]device.Resources
	keys    []string
}

type entry struct {
	vendor string
	role   device.Role
	// unitMiB is the MiB one unit of a memory name stands for (1 for MiB).
	unitMiB int64
}

// NewRegistry builds a registry from per-vendor resource names. A name claimed
// by two vendors is an error.
func NewRegistry(vendors map[string]device.Resources) (*Registry, error) {
	r := &Registry{byName: map[string]entry{}, vendors: map[string]device.Resources{}}
	for _, v := range sortedVendors(vendors) {
		if err := r.add(v, vendors[v]); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Merge returns the vendor names of cfg with those published by inventories
// added; see MergeVendor for how one vendor's names combine.
func Merge(cfg map[string]device.Resources, invs ...*device.NodeInventory) map[string]device.Resources {
	out := make(map[string]device.Resources, len(cfg))
	for k, v := range cfg {
		out[k] = v
	}
	for _, inv := range invs {
		out[inv.Vendor] = MergeVendor(cfg[inv.Vendor], inv.Resources)
	}
	return out
}

// MergeVendor combines a vendor's configured names with those its plugin
// publishes. The plugin's names win, since it is the authority on what it
// serves; the configured aliases it does not mention are kept, so a plugin
// that leaves out Volcano's names does not silently turn them off, and
// annotation names it leaves empty keep their configured value.
func MergeVendor(configured, published device.Resources) device.Resources {
	out := published
	taken := map[string]bool{}
	for _, n := range []string{published.Count, published.Memory, published.MemoryPercent, published.Cores} {
		taken[n] = true
	}
	for _, a := range published.Aliases {
		taken[a.Name] = true
	}
	out.Aliases = slices.Clone(published.Aliases)
	for _, a := range configured.Aliases {
		if !taken[a.Name] {
			out.Aliases = append(out.Aliases, a)
		}
	}
	out.Annotations = mergeSelector(configured.Annotations, published.Annotations)
	return out
}

func mergeSelector(configured, published device.Selector) device.Selector {
	pick := func(p, c string) string {
		if p != "" {
			return p
		}
		return c
	}
	return device.Selector{
		UseType: pick(published.UseType, configured.UseType), NoUseType: pick(published.NoUseType, configured.NoUseType),
		UseUUID: pick(published.UseUUID, configured.UseUUID), NoUseUUID: pick(published.NoUseUUID, configured.NoUseUUID),
		Mode: pick(published.Mode, configured.Mode), NUMABind: pick(published.NUMABind, configured.NUMABind),
	}
}

func (r *Registry) add(vendor string, res device.Resources) error {
	r.vendors[vendor] = res
	r.keys = append(r.keys, vendor)
	names := append([]device.Alias{
		{Name: res.Count, Role: device.RoleCount}, {Name: res.Memory, Role: device.RoleMemory},
		{Name: res.MemoryPercent, Role: device.RoleMemoryPercent}, {Name: res.Cores, Role: device.RoleCores},
	}, res.Aliases...)
	for _, n := range names {
		if n.Name == "" {
			continue
		}
		if prev, dup := r.byName[n.Name]; dup && prev.vendor != vendor {
			return fmt.Errorf("resource %s is claimed by vendors %s and %s", n.Name, prev.vendor, vendor)
		}
		r.byName[n.Name] = entry{vendor: vendor, role: n.Role, unitMiB: max(n.UnitMiB, 1)}
	}
	return nil
}

// Lookup returns the vendor and role of a resource name.
func (r *Registry) Lookup(name string) (vendor string, role device.Role, ok bool) {
	e, ok := r.byName[name]
	return e.vendor, e.role, ok
}

// UnitMiB is the MiB one unit of the resource stands for: 1 for names in
// MiB and for every name that is not memory.
func (r *Registry) UnitMiB(name string) int64 {
	if e, ok := r.byName[name]; ok {
		return e.unitMiB
	}
	return 1
}

// Vendor returns the names of one vendor.
func (r *Registry) Vendor(key string) (device.Resources, bool) {
	res, ok := r.vendors[key]
	return res, ok
}

// Vendors lists the vendor keys in a stable order.
func (r *Registry) Vendors() []string { return slices.Clone(r.keys) }

// Defaults are the values applied to a request that leaves them out.
type Defaults struct {
	// MemoryMiB is the memory of a request naming none; 0 = whole device.
	MemoryMiB int64
	Cores     int32
	// Count is the device count of a request giving memory or cores only.
	Count int32
}

// DefaultsFrom takes the defaults of a config document.
func DefaultsFrom(c *config.Config) Defaults {
	return Defaults{MemoryMiB: c.DefaultMem, Cores: c.DefaultCores, Count: c.DefaultGPUNum}
}

func sortedVendors(m map[string]device.Resources) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
