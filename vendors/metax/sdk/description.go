package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionDescription is the apiVersion of a fake description file.
const APIVersionDescription = "fake.metax.hami.io/v1"

// Description says which fake system to build. As a file it is user input,
// decoded strictly.
type Description struct {
	// System's Model is one of ModelNames(); its Unhealthy devices start
	// lost.
	fakesdk.System
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
	return Description{System: fakesdk.NewSystem(APIVersionDescription, model, seed)}
}

// LoadDescription reads and checks a description file.
func LoadDescription(path string) (Description, error) {
	return fakesdk.LoadFile[Description](path, APIVersionDescription)
}

// DeviceCount is Devices, or the model's server size when unset.
func (d *Description) DeviceCount() int {
	m, _ := LookupModel(d.Model)
	return d.System.DeviceCount(m.ServerSize)
}

// Validate names the field that is wrong and how to fix it.
func (d *Description) Validate() error {
	m, err := LookupModel(d.Model)
	if err != nil {
		return err
	}
	if err := d.Check(m.ServerSize, 1); err != nil {
		return err
	}
	if d.SchedClass != "" && !d.SchedClass.Valid() {
		return fmt.Errorf("schedClass %q: must be one of %v", d.SchedClass, schedClasses())
	}
	for i, c := range d.DeviceSchedClasses {
		if err := fakesdk.CheckIndexes("deviceSchedClasses", []int{i}, d.DeviceCount()); err != nil {
			return err
		}
		if !c.Valid() {
			return fmt.Errorf("deviceSchedClasses: device %d: %q must be one of %v", i, c, schedClasses())
		}
	}
	return fakesdk.CheckIndexes("sgpuDisabled", d.SgpuDisabled, d.DeviceCount())
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
