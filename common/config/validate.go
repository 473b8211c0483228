package config

import (
	"math"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hami-project/hami/common/device"
)

// NodePolicies and DevicePolicies are the allowed policy names.
var (
	NodePolicies   = []string{PolicyBinpack, PolicySpread}
	DevicePolicies = []string{PolicyBinpack, PolicySpread, PolicyTopologyAware, PolicyNUMA}
	MigStrategies  = []string{MigStrategyNone, MigStrategyMixed}
)

// Validate checks every field; the error lists each invalid one by name with
// its allowed values.
func (c *Config) Validate() error {
	var errs field.ErrorList
	if c.APIVersion != APIVersionV1 {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), c.APIVersion, []string{APIVersionV1}))
	}
	if c.Kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), c.Kind, []string{Kind}))
	}
	errs = append(errs, validateScaling(field.NewPath("deviceMemoryScaling"), c.DeviceMemoryScaling)...)
	errs = append(errs, validateScaling(field.NewPath("deviceCoreScaling"), c.DeviceCoreScaling)...)
	errs = append(errs, validateSplit(field.NewPath("deviceSplitCount"), c.DeviceSplitCount)...)
	errs = append(errs, oneOf(field.NewPath("migStrategy"), c.MigStrategy, MigStrategies)...)
	if c.DefaultMem < 0 {
		errs = append(errs, field.Invalid(field.NewPath("defaultMem"), c.DefaultMem, "must be 0 (whole device) or a positive number of MiB"))
	}
	if c.DefaultCores < 0 || c.DefaultCores > 100 {
		errs = append(errs, field.Invalid(field.NewPath("defaultCores"), c.DefaultCores, "must be in 0..100 (percent of a device)"))
	}
	if c.DefaultGPUNum < 1 {
		errs = append(errs, field.Invalid(field.NewPath("defaultGPUNum"), c.DefaultGPUNum, "must be at least 1"))
	}
	errs = append(errs, oneOf(field.NewPath("nodeSchedulerPolicy"), c.NodeSchedulerPolicy, NodePolicies)...)
	errs = append(errs, oneOf(field.NewPath("gpuSchedulerPolicy"), c.GPUSchedulerPolicy, DevicePolicies)...)
	errs = append(errs, c.validateVendors(field.NewPath("vendors"))...)
	errs = append(errs, c.validateNodes(field.NewPath("nodes"))...)
	return errs.ToAggregate()
}

func (c *Config) validateVendors(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	owner := map[string]string{}
	for _, key := range sortedKeys(c.Vendors) {
		vp := p.Key(key)
		for _, msg := range validation.IsDNS1123Label(key) {
			errs = append(errs, field.Invalid(vp, key, msg))
		}
		res := c.Vendors[key]
		errs = append(errs, res.Validate(vp)...)
		for _, name := range ResourceNamesOf(res) {
			if other, dup := owner[name]; dup {
				errs = append(errs, field.Duplicate(vp, name+" (also used by vendor "+other+")"))
			}
			owner[name] = key
		}
	}
	return errs
}

// ResourceNamesOf lists every resource name of a vendor, aliases included.
func ResourceNamesOf(r device.Resources) []string {
	var names []string
	for _, n := range []string{r.Count, r.Memory, r.MemoryPercent, r.Cores} {
		if n != "" {
			names = append(names, n)
		}
	}
	for _, a := range r.Aliases {
		names = append(names, a.Name)
	}
	return names
}

func (c *Config) validateNodes(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, n := range c.Nodes {
		np := p.Index(i)
		if n.Name == "" {
			errs = append(errs, field.Required(np.Child("name"), "the node this override is for"))
		} else if seen[n.Name] {
			errs = append(errs, field.Duplicate(np.Child("name"), n.Name))
		}
		seen[n.Name] = true
		if n.DeviceMemoryScaling != nil {
			errs = append(errs, validateScaling(np.Child("deviceMemoryScaling"), *n.DeviceMemoryScaling)...)
		}
		if n.DeviceCoreScaling != nil {
			errs = append(errs, validateScaling(np.Child("deviceCoreScaling"), *n.DeviceCoreScaling)...)
		}
		if n.DeviceSplitCount != nil {
			errs = append(errs, validateSplit(np.Child("deviceSplitCount"), *n.DeviceSplitCount)...)
		}
		if n.MigStrategy != nil {
			errs = append(errs, oneOf(np.Child("migStrategy"), *n.MigStrategy, MigStrategies)...)
		}
		if f := n.FilterDevices; f != nil {
			for j, idx := range f.Indexes {
				if idx < 0 {
					errs = append(errs, field.Invalid(np.Child("filterDevices", "indexes").Index(j), idx, "must not be negative"))
				}
			}
		}
	}
	return errs
}

func validateScaling(p *field.Path, v float64) field.ErrorList {
	if v < 1 || math.IsNaN(v) || math.IsInf(v, 0) {
		return field.ErrorList{field.Invalid(p, v, "must be a number of at least 1 (1 = no oversubscription)")}
	}
	return nil
}

func validateSplit(p *field.Path, v int32) field.ErrorList {
	if v < 1 {
		return field.ErrorList{field.Invalid(p, v, "must be at least 1 (1 = no sharing)")}
	}
	return nil
}

func oneOf(p *field.Path, v string, allowed []string) field.ErrorList {
	if !slices.Contains(allowed, v) {
		return field.ErrorList{field.NotSupported(p, v, allowed)}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
