package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFake is the schema of the fake's description file.
const APIVersionFake = "fake.ascend.hami.io/v1"

// Description says which fake node to build. As a file it is user input,
// decoded strictly.
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Model is one of ModelNames().
	Model string `json:"model"`
	// Devices is the number of dies; 0 means the model's usual server
	// (8, or 16 dies on eight 910C cards). A 910C needs an even number.
	Devices int `json:"devices,omitempty"`
	// Seed makes die ids and serials; use the node name so they differ per
	// node and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// Unhealthy are the indexes of dies that start unhealthy.
	Unhealthy []int `json:"unhealthy,omitempty"`
}

// ForModel is the description of a whole server of model.
func ForModel(model, seed string) Description {
	return Description{APIVersion: APIVersionFake, Kind: fakesdk.KindSystem, Model: model, Seed: seed}
}

// Header is the description's schema.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// Validate names the field that is wrong and the fix.
func (d *Description) Validate() error {
	m, ok := Models()[d.Model]
	if !ok {
		return fmt.Errorf("model %q: must be one of %v", d.Model, ModelNames())
	}
	if d.Devices < 0 || d.Devices > 64 {
		return fmt.Errorf("devices %d: must be between 0 (the model's usual %d) and 64", d.Devices, m.ServerDevices)
	}
	if d.Devices%m.DiesPerCard != 0 {
		return fmt.Errorf("devices %d: a %s card has %d dies, so use a multiple of %d", d.Devices, d.Model, m.DiesPerCard, m.DiesPerCard)
	}
	n := d.DeviceCount()
	for _, i := range d.Unhealthy {
		if i < 0 || i >= n {
			return fmt.Errorf("unhealthy index %d: must be a device index below %d", i, n)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(d.Unhealthy)))) != len(d.Unhealthy) {
		return fmt.Errorf("unhealthy %v: list each index once", d.Unhealthy)
	}
	return nil
}

// DeviceCount is the number of dies the description makes.
func (d *Description) DeviceCount() int {
	if d.Devices > 0 {
		return d.Devices
	}
	return Models()[d.Model].ServerDevices
}

// LoadDescription reads and checks a description file.
func LoadDescription(path string) (Description, error) {
	var d Description
	err := fakesdk.Load(path, APIVersionFake, &d)
	return d, err
}
