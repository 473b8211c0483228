package fakesdk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hami-project/hami/common/codec"
)

// System is the part of a description file every vendor's fake reads: the
// header, the model, how many devices, the seed of their identities and
// the devices that start unhealthy. A vendor's Description embeds it and
// adds its own fields (the JSON fields are promoted into one object).
type System struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Model is one of the vendor's model names.
	Model string `json:"model"`
	// Devices is the device count; 0 means the model's usual server.
	Devices int `json:"devices,omitempty"`
	// Seed makes the device identities; use the node name, so they differ
	// per node and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// Unhealthy lists the device indexes that start unhealthy.
	Unhealthy []int `json:"unhealthy,omitempty"`
}

// NewSystem describes a whole server of model.
func NewSystem(apiVersion, model, seed string) System {
	return System{APIVersion: apiVersion, Kind: KindSystem, Model: model, Seed: seed}
}

// Header is the file's apiVersion and kind.
func (s *System) Header() codec.Header {
	return codec.Header{APIVersion: s.APIVersion, Kind: s.Kind}
}

// MaxDevices bounds a description's device count: more than any server
// holds is a typo, and must not ask for thousands of device files.
const MaxDevices = 64

// CheckDevices refuses a device count outside 0..MaxDevices, naming the fix.
func (s *System) CheckDevices() error {
	if s.Devices < 0 || s.Devices > MaxDevices {
		return fmt.Errorf("devices %d: must be 1..%d, or 0 for the model's usual server", s.Devices, MaxDevices)
	}
	return nil
}

// DeviceCount is Devices, or serverSize where it is 0.
func (s *System) DeviceCount(serverSize int) int {
	if s.Devices == 0 {
		return serverSize
	}
	return s.Devices
}

// Check checks the shared fields of a system whose model's usual server
// holds serverSize devices that come per to a card or board: the device
// count (in range, and whole cards: a fake cannot hold half a card), then
// the unhealthy indexes against it.
func (s *System) Check(serverSize, per int) error {
	if err := s.CheckDevices(); err != nil {
		return err
	}
	if per > 1 && s.Devices%per != 0 {
		return fmt.Errorf("devices %d: a %s card or board holds %d devices, so use a multiple of %d", s.Devices, s.Model, per, per)
	}
	return CheckIndexes("unhealthy", s.Unhealthy, s.DeviceCount(serverSize))
}

// CheckIndexes refuses an entry of list (the field field of a description)
// that is not a device index 0..n-1, or that repeats an earlier one.
func CheckIndexes(field string, list []int, n int) error {
	for i, idx := range list {
		if idx < 0 || idx >= n {
			return fmt.Errorf("%s[%d] = %d: must be a device index 0..%d", field, i, idx, n-1)
		}
		if slices.Contains(list[:i], idx) {
			return fmt.Errorf("%s[%d] = %d: listed twice", field, i, idx)
		}
	}
	return nil
}

// LookupModel is the model of models whose nameOf is name, or an error
// that lists the known names, so a typo in a description shows the fix.
func LookupModel[M any](models []M, nameOf func(M) string, name string) (M, error) {
	for _, m := range models {
		if nameOf(m) == name {
			return m, nil
		}
	}
	var zero M
	return zero, fmt.Errorf("model %q: must be one of %s", name, strings.Join(ModelNames(models, nameOf), ", "))
}

// ModelNames are the names of models, in order.
func ModelNames[M any](models []M, nameOf func(M) string) []string {
	names := make([]string, len(models))
	for i, m := range models {
		names[i] = nameOf(m)
	}
	return names
}

// Decode decodes a description file's bytes into d as Load does a file's:
// strictly, with its header checked and its fields validated. Fuzz targets
// call it on arbitrary input.
func Decode(data []byte, apiVersion string, d Description) error {
	if err := codec.StrictYAML(data, d); err != nil {
		return err
	}
	if h := d.Header(); h.APIVersion != apiVersion || h.Kind != KindSystem {
		return fmt.Errorf("%s/%s is not supported (want apiVersion %s, kind %s)",
			h.APIVersion, h.Kind, apiVersion, KindSystem)
	}
	return d.Validate()
}
