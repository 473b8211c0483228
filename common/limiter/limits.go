package limiter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hami-project/hami/common/atomicfile"
)

// The trusted limits file (hami-core/README.md, "Limits file"): the plugin
// writes it on the host and mounts it read-only into the container, so the
// tenant cannot raise its limits or switch them off through its environment.
const (
	// LimitsVersion is the format version this package writes and reads.
	LimitsVersion = 1
	// ContainerLimitsPath is where the library looks for the file; fixed
	// in the shipped library, so the mount must use it.
	ContainerLimitsPath = "/var/run/hami/limits.conf"
	// LimitsFile is the file's name in a container's host directory.
	LimitsFile = "limits.conf"
	// MaxDevices is the library's device bound (HAMI_MAX_DEVICES).
	MaxDevices = 16
	// maxLimitsBytes is the library's bound on the file's size.
	maxLimitsBytes = 65536
)

// Policy is when the compute limit holds.
type Policy string

// Policies, loosest last.
const (
	// PolicyForce always limits.
	PolicyForce Policy = "force"
	// PolicyDefault limits while another tenant uses the device.
	PolicyDefault Policy = "default"
	// PolicyDisable never limits compute.
	PolicyDisable Policy = "disable"
)

// ParsePolicy accepts the three policies by name.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case PolicyForce, PolicyDefault, PolicyDisable:
		return p, nil
	default:
		return "", fmt.Errorf("policy %q: must be default, force or disable", s)
	}
}

// ErrBadLimits means a limits file the library would refuse (and then fall
// back to the tenant's environment), so the writer never produces one.
var ErrBadLimits = errors.New("invalid limits file")

// Limits are one container's limits, per container device i (the i-th
// device in the container's NVML order).
type Limits struct {
	// Memory is the device memory quota in bytes; 0: none.
	Memory [MaxDevices]uint64
	// Core is the compute share in percent, 1-99; 0: none (the library
	// reads 100 as none too).
	Core [MaxDevices]int
	// Policy is the operator's; the tenant may only tighten it.
	Policy Policy
	// AllowDisable lets the tenant set GPU_CORE_UTILIZATION_POLICY=disable.
	AllowDisable bool
	// Oversubscribe serves allocations beyond the device from managed memory.
	Oversubscribe bool
	// Region is the container's path of the shared region; empty: the
	// library's (or the environment's) default.
	Region string
}

// Validate reports what the library would refuse.
func (l *Limits) Validate() error {
	var errs []error
	if _, err := ParsePolicy(string(l.Policy)); err != nil {
		errs = append(errs, err)
	}
	for i, c := range l.Core {
		if c < 0 || c > 100 {
			errs = append(errs, fmt.Errorf("core.%d=%d: must be 0-100", i, c))
		}
	}
	if l.Region != "" && (!strings.HasPrefix(l.Region, "/") || strings.ContainsAny(l.Region, "\n\x00") ||
		len(l.Region) >= 4096 || trimBlank(l.Region) != l.Region) {
		errs = append(errs, fmt.Errorf("region %q: must be an absolute path on one line", l.Region))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrBadLimits, err)
	}
	return nil
}

// Encode renders l in version 1 of the format; devices without a limit
// are left out (absent means none).
func (l *Limits) Encode() ([]byte, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# written by the HAMi device plugin; read-only in the container\nversion=%d\n", LimitsVersion)
	for i := range MaxDevices {
		if l.Memory[i] > 0 {
			fmt.Fprintf(&b, "memory.%d=%d\n", i, l.Memory[i])
		}
		if c := l.Core[i]; c > 0 && c < 100 {
			fmt.Fprintf(&b, "core.%d=%d\n", i, c)
		}
	}
	fmt.Fprintf(&b, "policy=%s\nallow_disable=%t\noversubscribe=%t\n", l.Policy, l.AllowDisable, l.Oversubscribe)
	if l.Region != "" {
		fmt.Fprintf(&b, "region=%s\n", l.Region)
	}
	return []byte(b.String()), nil
}

// WriteLimits replaces path with l atomically (a container starting now
// reads the old file or the new one, never half of one). The file is
// world-readable: the container's processes run as any uid.
func WriteLimits(path string, l *Limits) error {
	data, err := l.Encode()
	if err != nil {
		return fmt.Errorf("write limits %s: %w", path, err)
	}
	return atomicfile.Write(path, data, 0o644)
}

// ReadLimits reads and parses a limits file.
func ReadLimits(path string) (*Limits, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read limits %s: %w", path, err)
	}
	l, err := ParseLimits(data)
	if err != nil {
		return nil, fmt.Errorf("read limits %s: %w", path, err)
	}
	return l, nil
}

// ContainerDir is a container's directory under a host root, named
// <pod uid>_<container> like the regions (the kit removes those of pods
// that are gone).
func ContainerDir(root, podUID, container string) string {
	return filepath.Join(root, podUID+"_"+container)
}
