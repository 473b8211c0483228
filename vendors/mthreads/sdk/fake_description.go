package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// FakeAPIVersion is the apiVersion of a Moore Threads fake description.
const FakeAPIVersion = "fake.mthreads.hami.io/v1"

// maxFakeDevices bounds a description: more cards than any server holds
// is a typo.
const maxFakeDevices = 64

// Description is the file a Fake is built from:
//
//	apiVersion: fake.mthreads.hami.io/v1
//	kind: FakeSystem
//	model: MTT S4000
//	devices: 8        # default: the model's server size
//	seed: node-a      # ids are stable per seed: give each node its own
//	unhealthy: [3]
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Model      string `json:"model"`
	Devices    int    `json:"devices,omitempty"`
	Seed       string `json:"seed,omitempty"`
	Unhealthy  []int  `json:"unhealthy,omitempty"`
}

// Header implements fakesdk.Description.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// Validate implements fakesdk.Description, naming the field and the fix.
func (d *Description) Validate() error {
	if !knownModel(d.Model) {
		return fmt.Errorf("model: %q is not a known model: use one of %q", d.Model, Models())
	}
	if d.Devices < 0 || d.Devices > maxFakeDevices {
		return fmt.Errorf("devices: %d is out of range: use 1..%d, or leave it out for the model's server size", d.Devices, maxFakeDevices)
	}
	n := d.DeviceCount()
	for i, idx := range d.Unhealthy {
		if idx < 0 || idx >= n {
			return fmt.Errorf("unhealthy[%d]: index %d is not a device: use 0..%d", i, idx, n-1)
		}
		if slices.Index(d.Unhealthy, idx) != i {
			return fmt.Errorf("unhealthy[%d]: index %d is listed twice: list each device once", i, idx)
		}
	}
	return nil
}

// DeviceCount is Devices, or the model's server size when unset.
func (d *Description) DeviceCount() int {
	if d.Devices > 0 {
		return d.Devices
	}
	m, _ := LookupModel(d.Model)
	return m.ServerSize
}

// ForModel is the description of a full server of model, ids seeded by seed.
func ForModel(model, seed string) Description {
	return Description{APIVersion: FakeAPIVersion, Kind: fakesdk.KindSystem, Model: model, Seed: seed}
}

// LoadDescription reads and checks the description file at path.
func LoadDescription(path string) (Description, error) {
	var d Description
	if err := fakesdk.Load(path, FakeAPIVersion, &d); err != nil {
		return Description{}, err
	}
	return d, nil
}
