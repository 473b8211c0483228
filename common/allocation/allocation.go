// Package allocation owns the scheduler's decision as it is written on a pod:
// the versioned hami.io/allocation annotation that a device plugin reads at
// Allocate, and the bind-phase and bind-time annotations beside it.
package allocation

import (
	"encoding/json"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/device"
)

// Annotations on the pod.
const (
	Annotation          = "hami.io/allocation"
	AnnotationBindPhase = "hami.io/bind-phase"
	AnnotationBindTime  = "hami.io/bind-time"
)

// Schema identifiers of the allocation document.
const (
	APIVersionV1 = "allocation.hami.io/v1"
	Kind         = "Allocation"
)

// Phase is the state of binding, as the device plugin last reported it.
type Phase string

// Bind phases.
const (
	PhaseAllocating Phase = "allocating"
	PhaseSuccess    Phase = "success"
	PhaseFailed     Phase = "failed"
)

// Allocation is the decision for one pod.
type Allocation struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Node       string      `json:"node"`
	Containers []Container `json:"containers"`
}

// Container lists the devices chosen for one container.
type Container struct {
	Name    string   `json:"name"`
	Init    bool     `json:"init,omitempty"`
	Devices []Device `json:"devices"`
}

// Device is one device (or a share of it) given to a container.
type Device struct {
	Vendor    string `json:"vendor"`
	ID        string `json:"id"`
	Index     int    `json:"index"`
	MemoryMiB int64  `json:"memoryMiB"`
	Cores     int32  `json:"cores"`
	Mode      string `json:"mode"`
	// Profile and Placement say which fixed partition to create and at
	// which slice, for modes that cut the device (MIG, templates).
	Profile   string `json:"profile,omitempty"`
	Placement int32  `json:"placement,omitempty"`
}

// New returns an empty allocation for a node.
func New(node string) *Allocation {
	return &Allocation{APIVersion: APIVersionV1, Kind: Kind, Node: node}
}

// Encode returns the annotation value.
func (a *Allocation) Encode() (string, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode allocation: %w", err)
	}
	return string(b), nil
}

// Decode parses an annotation value. Fields a newer scheduler may add are
// ignored (the annotation is stored state that outlives upgrades) but the
// version must be one this code knows and the content must validate.
func Decode(value string) (*Allocation, error) {
	a := &Allocation{}
	err := codec.DecodeVersioned([]byte(value), a, APIVersionV1, codec.LenientJSON, func() string { return a.APIVersion })
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", Annotation, err)
	}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("decode %s: %w", Annotation, err)
	}
	// The scheduler keeps the allocation of every pod; its vendors and
	// modes are compared against inventories on every filter.
	for i := range a.Containers {
		for j := range a.Containers[i].Devices {
			d := &a.Containers[i].Devices[j]
			d.Vendor, d.Mode = device.Canonical(d.Vendor), device.Canonical(d.Mode)
		}
	}
	return a, nil
}

// Validate checks every field.
func (a *Allocation) Validate() error {
	var errs field.ErrorList
	if a.Kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), a.Kind, []string{Kind}))
	}
	if a.Node == "" {
		errs = append(errs, field.Required(field.NewPath("node"), ""))
	}
	for i, c := range a.Containers {
		cp := field.NewPath("containers").Index(i)
		if c.Name == "" {
			errs = append(errs, field.Required(cp.Child("name"), ""))
		}
		for j, d := range c.Devices {
			errs = append(errs, d.validate(cp.Child("devices").Index(j))...)
		}
	}
	return errs.ToAggregate()
}

func (d *Device) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if d.Vendor == "" {
		errs = append(errs, field.Required(p.Child("vendor"), ""))
	}
	if d.ID == "" {
		errs = append(errs, field.Required(p.Child("id"), ""))
	}
	if d.Index < 0 {
		errs = append(errs, field.Invalid(p.Child("index"), d.Index, "must not be negative"))
	}
	if d.MemoryMiB < 0 {
		errs = append(errs, field.Invalid(p.Child("memoryMiB"), d.MemoryMiB, "must not be negative"))
	}
	if d.Cores < 0 || d.Cores > 100 {
		errs = append(errs, field.Invalid(p.Child("cores"), d.Cores, "must be in 0..100"))
	}
	if d.Mode == "" {
		errs = append(errs, field.Required(p.Child("mode"), ""))
	}
	if d.Placement < 0 {
		errs = append(errs, field.Invalid(p.Child("placement"), d.Placement, "must not be negative"))
	}
	return errs
}

// Container returns the allocation of the named container.
func (a *Allocation) Container(name string) (*Container, bool) {
	for i := range a.Containers {
		if a.Containers[i].Name == name {
			return &a.Containers[i], true
		}
	}
	return nil, false
}

// DevicesOf returns the container's devices of one vendor.
func (c *Container) DevicesOf(vendor string) []Device {
	var out []Device
	for _, d := range c.Devices {
		if d.Vendor == vendor {
			out = append(out, d)
		}
	}
	return out
}

// FormatTime writes a bind-time annotation value.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ParseTime reads a bind-time annotation value.
func ParseTime(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse %s: %w", AnnotationBindTime, err)
	}
	return t, nil
}
