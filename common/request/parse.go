package request

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hami-project/hami/common/device"
)

// Pod-level annotations (vendor-neutral).
const (
	AnnotationNodePolicy   = "hami.io/node-scheduler-policy"
	AnnotationDevicePolicy = "hami.io/gpu-scheduler-policy"
)

// maxCount bounds a device count far above any node's devices, so counts
// stay well inside int32.
const maxCount = 1 << 16

var (
	nodePolicies   = []string{"binpack", "spread"}
	devicePolicies = []string{"binpack", "spread", "topology-aware", "numa"}
)

// ParsePod reads every container's limits (init containers too) and the pod's
// annotations into a Pod. Defaults are applied as documented in Request. The
// error lists every invalid field by its path in the pod.
func (r *Registry) ParsePod(pod *corev1.Pod, d Defaults) (*Pod, error) {
	out := &Pod{Selection: map[string]Selection{}}
	var errs field.ErrorList
	spec := field.NewPath("spec")
	for i := range pod.Spec.InitContainers {
		c, cerrs := r.parseContainer(&pod.Spec.InitContainers[i], spec.Child("initContainers").Index(i), d)
		errs = append(errs, cerrs...)
		if c != nil {
			c.Init = true
			out.Containers = append(out.Containers, *c)
		}
	}
	for i := range pod.Spec.Containers {
		c, cerrs := r.parseContainer(&pod.Spec.Containers[i], spec.Child("containers").Index(i), d)
		errs = append(errs, cerrs...)
		if c != nil {
			out.Containers = append(out.Containers, *c)
		}
	}
	errs = append(errs, r.parseAnnotations(pod.Annotations, out)...)
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return out, nil
}

// Manages reports whether any container names a resource of the registry.
func (r *Registry) Manages(pod *corev1.Pod) bool {
	has := func(cs []corev1.Container) bool {
		for i := range cs {
			for name := range quantities(&cs[i]) {
				if _, ok := r.byName[string(name)]; ok {
					return true
				}
			}
		}
		return false
	}
	return has(pod.Spec.InitContainers) || has(pod.Spec.Containers)
}

// quantities are the container's limits, with requests filling in names that
// have no limit (for extended resources the two must be equal anyway).
func quantities(c *corev1.Container) corev1.ResourceList {
	if len(c.Resources.Requests) == 0 {
		return c.Resources.Limits
	}
	out := make(corev1.ResourceList, len(c.Resources.Limits)+len(c.Resources.Requests))
	for n, q := range c.Resources.Requests {
		out[n] = q
	}
	for n, q := range c.Resources.Limits {
		out[n] = q
	}
	return out
}

// given collects what one container says to one vendor before defaults.
type given struct {
	count, mem, pct, cores      int64
	hasCount, hasMem, hasPct    bool
	hasCores                    bool
	countName, memName, pctName string
	coresName                   string
}

func (r *Registry) parseContainer(c *corev1.Container, p *field.Path, d Defaults) (*Container, field.ErrorList) {
	var errs field.ErrorList
	byVendor := map[string]*given{}
	lp := p.Child("resources", "limits")
	qs := quantities(c)
	for _, name := range sortedKeys(qs) {
		q := qs[name]
		e, ok := r.byName[string(name)]
		if !ok {
			continue
		}
		v, err := wholeNonNegative(q)
		if err == nil && e.unitMiB > 1 {
			v, err = inMiB(v, e.unitMiB)
		}
		if err != nil {
			errs = append(errs, field.Invalid(lp.Key(string(name)), q.String(), err.Error()))
			continue
		}
		g := byVendor[e.vendor]
		if g == nil {
			g = &given{}
			byVendor[e.vendor] = g
		}
		errs = append(errs, g.set(e.role, string(name), v, lp)...)
	}
	var reqs []Request
	for _, vendor := range sortedKeys(byVendor) {
		req, rerrs := byVendor[vendor].request(vendor, r.vendors[vendor], d, lp)
		errs = append(errs, rerrs...)
		if req != nil {
			reqs = append(reqs, *req)
		}
	}
	if len(reqs) == 0 {
		return nil, errs
	}
	return &Container{Name: c.Name, Requests: reqs}, errs
}

func (g *given) set(role device.Role, name string, v int64, lp *field.Path) field.ErrorList {
	dup := func(prev string) field.ErrorList {
		return field.ErrorList{field.Invalid(lp.Key(name), v, "same quantity as "+prev+" given twice: keep one")}
	}
	switch role {
	case device.RoleCount:
		if g.hasCount {
			return dup(g.countName)
		}
		if v > maxCount {
			return field.ErrorList{field.Invalid(lp.Key(name), v, fmt.Sprintf("a device count must be at most %d", maxCount))}
		}
		g.count, g.hasCount, g.countName = v, true, name
	case device.RoleMemory:
		if g.hasMem {
			return dup(g.memName)
		}
		g.mem, g.hasMem, g.memName = v, true, name
	case device.RoleMemoryPercent:
		if v > 100 {
			return field.ErrorList{field.Invalid(lp.Key(name), v, "a percentage of device memory must be at most 100")}
		}
		g.pct, g.hasPct, g.pctName = v, true, name
	case device.RoleCores:
		if v > 100 {
			return field.ErrorList{field.Invalid(lp.Key(name), v, "cores are a percentage of one device: at most 100")}
		}
		g.cores, g.hasCores, g.coresName = v, true, name
	}
	return nil
}

// request applies the defaults: a count of DefaultGPUNum when only memory or
// cores are given; DefaultMem (0 = the whole device) when no memory is given;
// the vendor's default cores, else DefaultCores, when no cores are given.
// A vendor whose devices go whole when more than one is asked for takes
// whole devices then.
func (g *given) request(vendor string, res device.Resources, d Defaults, lp *field.Path) (*Request, field.ErrorList) {
	if g.hasMem && g.hasPct {
		return nil, field.ErrorList{field.Invalid(lp.Key(g.pctName), g.pct,
			"memory given both in MiB ("+g.memName+") and in percent: keep one")}
	}
	if g.hasCount && g.count == 0 {
		if g.hasMem || g.hasPct || g.hasCores {
			return nil, field.ErrorList{field.Invalid(lp.Key(g.countName), 0,
				"device count is 0 but memory or cores are requested: set a count of at least 1 or remove them")}
		}
		return nil, nil
	}
	req := &Request{Vendor: vendor, Count: int32(g.count), MemoryMiB: g.mem, MemoryPercent: int32(g.pct), Cores: int32(g.cores)}
	if !g.hasCount {
		req.Count = d.Count
	}
	if !g.hasMem && !g.hasPct {
		if d.MemoryMiB > 0 {
			req.MemoryMiB = d.MemoryMiB
		} else {
			req.MemoryPercent = 100
		}
	}
	if g.hasPct && g.pct == 0 || g.hasMem && g.mem == 0 {
		return nil, field.ErrorList{field.Invalid(lp.Key(firstNonEmpty(g.memName, g.pctName)), 0, "memory must be positive")}
	}
	if !g.hasCores {
		req.Cores = d.Cores
		if res.DefaultCores != nil {
			req.Cores = *res.DefaultCores
		}
	}
	if res.WholeDevices && req.Count > 1 {
		return g.whole(req, lp)
	}
	return req, nil
}

// whole turns a request for several devices into whole devices, refusing
// a memory or cores limit that says otherwise.
func (g *given) whole(req *Request, lp *field.Path) (*Request, field.ErrorList) {
	const fix = "more than one device means whole devices: ask for one device to share it, or remove "
	if g.hasMem || g.hasPct {
		name := firstNonEmpty(g.memName, g.pctName)
		return nil, field.ErrorList{field.Invalid(lp.Key(name), max(g.mem, g.pct), fix+name)}
	}
	if g.hasCores && g.cores != 100 {
		return nil, field.ErrorList{field.Invalid(lp.Key(g.coresName), g.cores, fix+g.coresName)}
	}
	req.MemoryMiB, req.MemoryPercent, req.Cores = 0, 100, 100
	return req, nil
}

// inMiB converts v units of unitMiB each into MiB.
func inMiB(v, unitMiB int64) (int64, error) {
	if v > (1<<40)/unitMiB {
		return 0, fmt.Errorf("too large")
	}
	return v * unitMiB, nil
}

func wholeNonNegative(q resource.Quantity) (int64, error) {
	if q.Sign() < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	if q.MilliValue()%1000 != 0 {
		return 0, fmt.Errorf("must be a whole number")
	}
	v, ok := q.AsInt64()
	if !ok || v > 1<<40 {
		return 0, fmt.Errorf("too large")
	}
	return v, nil
}

func (r *Registry) parseAnnotations(ann map[string]string, out *Pod) field.ErrorList {
	var errs field.ErrorList
	ap := field.NewPath("metadata", "annotations")
	if v, ok := ann[AnnotationNodePolicy]; ok {
		if !slices.Contains(nodePolicies, v) {
			errs = append(errs, field.NotSupported(ap.Key(AnnotationNodePolicy), v, nodePolicies))
		}
		out.NodePolicy = v
	}
	if v, ok := ann[AnnotationDevicePolicy]; ok {
		if !slices.Contains(devicePolicies, v) {
			errs = append(errs, field.NotSupported(ap.Key(AnnotationDevicePolicy), v, devicePolicies))
		}
		out.DevicePolicy = v
	}
	for _, vendor := range out.Vendors() {
		sel, serrs := parseSelection(r.vendors[vendor].Annotations, ann, ap)
		errs = append(errs, serrs...)
		out.Selection[vendor] = sel
	}
	return errs
}

func parseSelection(names device.Selector, ann map[string]string, ap *field.Path) (Selection, field.ErrorList) {
	var errs field.ErrorList
	sel := Selection{
		UseTypes:   list(ann, names.UseType),
		NoUseTypes: list(ann, names.NoUseType),
		UseUUIDs:   list(ann, names.UseUUID),
		NoUseUUIDs: list(ann, names.NoUseUUID),
	}
	if m, ok := ann[names.Mode]; ok && names.Mode != "" {
		errs = append(errs, device.ValidateMode(ap.Key(names.Mode), m)...)
		sel.Mode = m
	}
	if b, ok := ann[names.NUMABind]; ok && names.NUMABind != "" {
		v, err := strconv.ParseBool(b)
		if err != nil {
			errs = append(errs, field.Invalid(ap.Key(names.NUMABind), b, "must be true or false"))
		}
		sel.NUMABind = v
	}
	return sel, errs
}

// list splits a comma list annotation, dropping blanks.
func list(ann map[string]string, key string) []string {
	if key == "" || ann[key] == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(ann[key], ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
