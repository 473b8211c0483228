package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionDescription is the apiVersion of a fake description file.
const APIVersionDescription = "fake.metax.hami.io/v1"

// Description says which fake system to build. As a file it is user input,
// decoded strictly.
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Model is one of ModelNames().
	Model string `json:"model"`
	// Devices is how many devices the node has; 0 means the model's usual
	// server size.
	Devices int `json:"devices,omitempty"`
	// Seed makes the device UUIDs; use the node name so they differ per
	// node and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// Unhealthy lists the indexes of devices that start lost.
	Unhealthy []int `json:"unhealthy,omitempty"`
	// SgpuDisabled lists the indexes of devices not in sGPU mode.
	SgpuDisabled []int `json:"sgpuDisabled,omitempty"`
	// SchedClass is every device's scheduling class; empty is best-effort.
	SchedClass SchedClass `json:"schedClass,omitempty"`
	// DeviceSchedClasses overrides SchedClass for the devices it names by
	// index, for nodes whose devices serve different QoS policies.
	DeviceSchedClasses map[int]SchedClass `json:"deviceSchedClasses,omitempty"`
}

var _ fakesdk.Description = (*Description)(nil)

// ForModel is the description of a whole server of model.
func ForModel(model, seed string) Description {
	return Description{APIVersion: APIVersionDescription, Kind: fakesdk.KindSystem, Model: model, Seed: seed}
}

// LoadDescription reads and checks a description file.
func LoadDescription(path string) (Description, error) {
	var d Description
	if err := fakesdk.Load(path, APIVersionDescription, &d); err != nil {
		return Description{}, err
	}
	return d, nil
}

// Header is the file's apiVersion and kind.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// DeviceCount is Devices, or the model's server size when unset.
func (d *Description) DeviceCount() int {
	if d.Devices > 0 {
		return d.Devices
	}
	m, _ := LookupModel(d.Model)
	return m.ServerSize
}

// Validate names the field that is wrong and how to fix it.
func (d *Description) Validate() error {
	if _, ok := LookupModel(d.Model); !ok {
		return fmt.Errorf("model %q: must be one of %v", d.Model, ModelNames())
	}
	if d.Devices < 0 || d.Devices > 64 {
		return fmt.Errorf("devices %d: must be 0 (the model's server size) to 64", d.Devices)
	}
	if d.SchedClass != "" && !d.SchedClass.Valid() {
		return fmt.Errorf("schedClass %q: must be one of %v", d.SchedClass, schedClasses())
	}
	for i, c := range d.DeviceSchedClasses {
		if err := checkIndexes("deviceSchedClasses", []int{i}, d.DeviceCount()); err != nil {
			return err
		}
		if !c.Valid() {
			return fmt.Errorf("deviceSchedClasses: device %d: %q must be one of %v", i, c, schedClasses())
		}
	}
	if err := checkIndexes("unhealthy", d.Unhealthy, d.DeviceCount()); err != nil {
		return err
	}
	return checkIndexes("sgpuDisabled", d.SgpuDisabled, d.DeviceCount())
}

func checkIndexes(field string, indexes []int, n int) error {
	for _, i := range indexes {
		if i < 0 || i >= n {
			return fmt.Errorf("%s: index %d: must be a device index, 0 to %d", field, i, n-1)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(indexes)))) != len(indexes) {
		return fmt.Errorf("%s %v: list each index once", field, indexes)
	}
	return nil
}

// schedClass is device index's class, with its default.
func (d *Description) schedClass(index int) SchedClass {
	if c, ok := d.DeviceSchedClasses[index]; ok {
		return c
	}
	if d.SchedClass == "" {
		return SchedBestEffort
	}
	return d.SchedClass
}
