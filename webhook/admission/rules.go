package admission

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/request"
)

// rules are the checks beyond request parsing: what would bypass the
// scheduler or the isolation, and requests no device of the fleet can hold.
type rules struct {
	reg   *request.Registry
	fleet *FleetSummary
}

func (r *rules) check(pod *corev1.Pod) field.ErrorList {
	var errs field.ErrorList
	if pod.Spec.NodeName != "" {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "nodeName"),
			"a pod that names its node bypasses the scheduler, which must place device requests: remove spec.nodeName and use a nodeSelector or node affinity instead"))
	}
	spec := field.NewPath("spec")
	errs = append(errs, r.containers(pod.Spec.InitContainers, spec.Child("initContainers"))...)
	return append(errs, r.containers(pod.Spec.Containers, spec.Child("containers"))...)
}

func (r *rules) containers(cs []corev1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i := range cs {
		errs = append(errs, r.container(&cs[i], p.Index(i))...)
	}
	return errs
}

func (r *rules) container(c *corev1.Container, p *field.Path) field.ErrorList {
	names := r.managed(c)
	if len(names) == 0 {
		return nil
	}
	var errs field.ErrorList
	if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
		errs = append(errs, field.Forbidden(p.Child("securityContext", "privileged"),
			"a privileged container sees every device of the node and bypasses the isolation of "+names[0]+": remove privileged: true, or the device request"))
	}
	return append(errs, r.memory(c, p.Child("resources", "limits"))...)
}

// memory refuses memory in MiB above the largest device of the vendor. A
// percentage is relative to whichever device serves it, and while the fleet
// has no device of the vendor there is nothing to compare with.
func (r *rules) memory(c *corev1.Container, lp *field.Path) field.ErrorList {
	var errs field.ErrorList
	given := merged(&c.Resources)
	for _, name := range sortedNames(given) {
		vendor, role, ok := r.reg.Lookup(string(name))
		if !ok || role != device.RoleMemory {
			continue
		}
		largest, known := r.fleet.Largest(vendor)
		q := given[name]
		v, _ := q.AsInt64()
		if v *= r.reg.UnitMiB(string(name)); known && v > largest {
			errs = append(errs, field.Invalid(lp.Key(string(name)), v, fmt.Sprintf(
				"more than the largest %s device in the cluster (%d MiB): ask for at most %d MiB, or for a percentage of the device memory",
				vendor, largest, largest)))
		}
	}
	return errs
}

// managed lists the container's names (limits and requests) that we manage.
func (r *rules) managed(c *corev1.Container) []string {
	var out []string
	for _, list := range []corev1.ResourceList{c.Resources.Limits, c.Resources.Requests} {
		for _, name := range sortedNames(list) {
			if _, _, ok := r.reg.Lookup(string(name)); ok {
				out = append(out, string(name))
			}
		}
	}
	return out
}

// warnings name device models the pod insists on that no device of the
// fleet has: the pod would wait, not fail, so it is told rather than refused
// (the model may be joining the cluster).
func (r *rules) warnings(pod *corev1.Pod, parsed *request.Pod) []string {
	var out []string
	for _, vendor := range parsed.Vendors() {
		res, _ := r.reg.Vendor(vendor)
		if mode := parsed.Selection[vendor].Mode; mode != "" {
			if offered, ok := r.fleet.OffersMode(vendor, mode); ok && !offered {
				out = append(out, fmt.Sprintf("metadata.annotations[%s]: no %s device in the cluster offers mode %q (modes: %s); the pod stays pending until one does",
					res.Annotations.Mode, vendor, mode, strings.Join(r.fleet.Modes[vendor], ", ")))
			}
		}
		for _, model := range parsed.Selection[vendor].UseTypes {
			if known, ok := r.fleet.KnowsModel(vendor, model); ok && !known {
				out = append(out, fmt.Sprintf("metadata.annotations[%s]: no %s device of model %q in the cluster (models: %s); the pod stays pending until one joins",
					res.Annotations.UseType, vendor, model, strings.Join(r.fleet.Models[vendor], ", ")))
			}
		}
	}
	return out
}

// merged is what the container asks for: its limits, with requests filling
// in names that have no limit, as request.ParsePod reads them.
func merged(r *corev1.ResourceRequirements) corev1.ResourceList {
	out := make(corev1.ResourceList, len(r.Limits)+len(r.Requests))
	for n, q := range r.Requests {
		out[n] = q
	}
	for n, q := range r.Limits {
		out[n] = q
	}
	return out
}
