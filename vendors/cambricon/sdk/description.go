package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFake is the apiVersion of a fake description file.
const APIVersionFake = "fake.cambricon.hami.io/v1"

// maxFakeDevices bounds a description's card count: more than any server.
const maxFakeDevices = 64

// Description says which fake system to build. As a file it is user input,
// decoded strictly.
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Model is one of Models().
	Model string `json:"model"`
	// Devices is the card count; 0 means the model's ServerSize.
	Devices int `json:"devices,omitempty"`
	// Seed makes the card UUIDs; use the node name, so they differ per node
	// and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// Unhealthy lists the card indexes that start unhealthy.
	Unhealthy []int `json:"unhealthy,omitempty"`
	// SMLUDisabled lists the card indexes not in sMLU mode: whole cards only.
	SMLUDisabled []int `json:"smluDisabled,omitempty"`
}

// ForModel describes a whole server of model.
func ForModel(model, seed string) Description {
	return Description{APIVersion: APIVersionFake, Kind: fakesdk.KindSystem, Model: model, Seed: seed}
}

// LoadDescription reads a description file.
func LoadDescription(path string) (Description, error) {
	var d Description
	err := fakesdk.Load(path, APIVersionFake, &d)
	return d, err
}

// Header is the file's apiVersion and kind.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// DeviceCount is the number of cards the fake has.
func (d *Description) DeviceCount() int {
	if d.Devices == 0 {
		if m, ok := LookupModel(d.Model); ok {
			return m.ServerSize
		}
	}
	return d.Devices
}

// Validate names the field at fault and how to fix it.
func (d *Description) Validate() error {
	if _, ok := LookupModel(d.Model); !ok {
		return fmt.Errorf("model %q: must be one of %s", d.Model, ModelNames())
	}
	if d.Devices < 0 || d.Devices > maxFakeDevices {
		return fmt.Errorf("devices %d: must be 1..%d, or 0 for the model's usual server", d.Devices, maxFakeDevices)
	}
	n := d.DeviceCount()
	if err := checkIndexes("unhealthy", d.Unhealthy, n); err != nil {
		return err
	}
	return checkIndexes("smluDisabled", d.SMLUDisabled, n)
}

func checkIndexes(field string, list []int, n int) error {
	for i, idx := range list {
		if idx < 0 || idx >= n {
			return fmt.Errorf("%s[%d] = %d: must be a card index 0..%d", field, i, idx, n-1)
		}
	}
	return nil
}
