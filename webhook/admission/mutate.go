package admission

import (
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/request"
)

// mutator computes the patch of a pod that passed validation. Its output on
// a pod it already mutated is empty: it writes values, never increments.
type mutator struct {
	reg       *request.Registry
	defaults  request.Defaults
	scheduler string
	allowed   []string
}

func (m *mutator) patch(pod *corev1.Pod) Patch {
	var p Patch
	p = append(p, m.containers(pod.Spec.InitContainers, "initContainers")...)
	p = append(p, m.containers(pod.Spec.Containers, "containers")...)
	if s := pod.Spec.SchedulerName; s != m.scheduler && !slices.Contains(m.allowed, s) {
		p = append(p, add(pointer("spec", "schedulerName"), m.scheduler))
	}
	return p
}

func (m *mutator) containers(cs []corev1.Container, field string) Patch {
	var p Patch
	for i := range cs {
		p = append(p, m.resources(&cs[i].Resources, pointer("spec", field, strconv.Itoa(i), "resources"))...)
	}
	return p
}

// resources rewrites one container's device names to the canonical ones
// with defaults filled in, in limits, and in requests where the pod gave
// requests for that vendor (extended resources need the two equal).
func (m *mutator) resources(r *corev1.ResourceRequirements, base string) Patch {
	wants := m.wants(r)
	if len(wants) == 0 {
		return nil
	}
	// A want comes from a name in limits or requests, so the resources
	// object exists in the pod and limits can be added into it.
	limits := m.rewrite(r.Limits, wants, func(string) bool { return true })
	p := diff(base+pointer("limits"), r.Limits, limits)
	inRequests := func(vendor string) bool { return m.names(r.Requests, vendor) }
	requests := m.rewrite(r.Requests, wants, inRequests)
	return append(p, diff(base+pointer("requests"), r.Requests, requests)...)
}

// wants maps each vendor the container asks for to the quantities it should
// carry under their canonical names.
func (m *mutator) wants(r *corev1.ResourceRequirements) map[string]corev1.ResourceList {
	out := map[string]corev1.ResourceList{}
	for vendor, g := range m.given(r) {
		if w := m.want(vendor, g); w != nil {
			out[vendor] = w
		}
	}
	return out
}

// given collects, per vendor, the quantity of each role the container names.
func (m *mutator) given(r *corev1.ResourceRequirements) map[string]map[device.Role]quantity {
	out := map[string]map[device.Role]quantity{}
	// Limits win over requests, as in request.ParsePod.
	for _, list := range []corev1.ResourceList{r.Requests, r.Limits} {
		for name, q := range list {
			vendor, role, ok := m.reg.Lookup(string(name))
			if !ok {
				continue
			}
			if out[vendor] == nil {
				out[vendor] = map[device.Role]quantity{}
			}
			v, _ := q.AsInt64() // validated whole and in range by ParsePod
			// Written back under the canonical name, in its unit (MiB).
			out[vendor][role] = quantity{name: string(name), value: v * m.reg.UnitMiB(string(name))}
		}
	}
	return out
}

type quantity struct {
	name  string
	value int64
}

// want applies the defaults: a count when only memory or cores are given;
// defaultMem only when positive (0 is the whole device, which is no memory
// limit at all); defaultCores only when positive.
func (m *mutator) want(vendor string, g map[device.Role]quantity) corev1.ResourceList {
	res, _ := m.reg.Vendor(vendor)
	count, hasCount := g[device.RoleCount]
	if hasCount && count.value == 0 && len(g) == 1 {
		return nil // asks for none of this vendor's devices: leave it be
	}
	out := corev1.ResourceList{}
	set := func(canonical, given string, v int64) {
		out[corev1.ResourceName(firstNonEmpty(canonical, given))] = *resource.NewQuantity(v, resource.DecimalSI)
	}
	if !hasCount {
		count.value = int64(m.defaults.Count)
	}
	set(res.Count, count.name, count.value)
	if res.WholeDevices && count.value > 1 {
		// Whole devices: no default memory or cores applies; ParsePod has
		// refused any given limit but cores of 100.
		if q, ok := g[device.RoleCores]; ok {
			set(res.Cores, q.name, q.value)
		}
		delete(out, "")
		return out
	}
	if q, ok := g[device.RoleMemory]; ok {
		set(res.Memory, q.name, q.value)
	} else if q, ok := g[device.RoleMemoryPercent]; ok {
		set(res.MemoryPercent, q.name, q.value)
	} else if m.defaults.MemoryMiB > 0 && res.Memory != "" {
		set(res.Memory, "", m.defaults.MemoryMiB)
	}
	if q, ok := g[device.RoleCores]; ok {
		set(res.Cores, q.name, q.value)
	} else if cores := m.defaultCores(res); cores > 0 && res.Cores != "" {
		set(res.Cores, "", int64(cores))
	}
	delete(out, "") // a vendor without a count name and no count given
	return out
}

// rewrite returns list with every name of the wanted vendors (where include
// says so) replaced by the wanted quantities; nil stays nil when nothing is
// included.
func (m *mutator) rewrite(list corev1.ResourceList, wants map[string]corev1.ResourceList, include func(vendor string) bool) corev1.ResourceList {
	var out corev1.ResourceList
	for vendor, want := range wants {
		if !include(vendor) {
			continue
		}
		if out == nil {
			out = list.DeepCopy()
			if out == nil {
				out = corev1.ResourceList{}
			}
		}
		for name := range out {
			if v, _, ok := m.reg.Lookup(string(name)); ok && v == vendor {
				delete(out, name)
			}
		}
		for name, q := range want {
			out[name] = q
		}
	}
	if out == nil {
		return list
	}
	return out
}

// names reports whether list names a resource of vendor.
func (m *mutator) names(list corev1.ResourceList, vendor string) bool {
	for name := range list {
		if v, _, ok := m.reg.Lookup(string(name)); ok && v == vendor {
			return true
		}
	}
	return false
}

// diff is the patch turning the map at path from old into updated, one op
// per name, in name order.
func diff(path string, old, updated corev1.ResourceList) Patch {
	if old == nil {
		if len(updated) == 0 {
			return nil
		}
		return Patch{add(path, updated)}
	}
	var p Patch
	for _, name := range sortedNames(old) {
		if _, ok := updated[name]; !ok {
			p = append(p, remove(path+pointer(string(name))))
		}
	}
	for _, name := range sortedNames(updated) {
		was, ok := old[name]
		now := updated[name]
		switch {
		case !ok:
			p = append(p, add(path+pointer(string(name)), now))
		case was.Cmp(now) != 0:
			p = append(p, replace(path+pointer(string(name)), now))
		}
	}
	return p
}

func sortedNames(l corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// defaultCores is the vendor's own default, else the configured one.
func (m *mutator) defaultCores(res device.Resources) int32 {
	if res.DefaultCores != nil {
		return *res.DefaultCores
	}
	return m.defaults.Cores
}
