package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// FakeAPIVersion is the apiVersion of a fake description file.
const FakeAPIVersion = "fake.hygon.hami.io/v1"

// DefaultMaxVDevices is how many virtual DCUs a card holds unless the
// description says otherwise (HAMi's default for Hygon).
const DefaultMaxVDevices = 4

// maxFakeDevices bounds a description so a typo cannot ask for millions.
const maxFakeDevices = 64

// Description is a fake node's DCUs. As a file it is user input, decoded
// strictly.
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Model is one of ModelNames().
	Model string `json:"model"`
	// Devices is the number of cards; 0 means the model's usual server.
	Devices int `json:"devices,omitempty"`
	// Seed makes the device ids; use the node name so they differ per node
	// and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// Unhealthy lists the card indexes that start unhealthy.
	Unhealthy []int `json:"unhealthy,omitempty"`
	// MaxVDevices is how many virtual DCUs one card holds; 0 means
	// DefaultMaxVDevices.
	MaxVDevices int `json:"maxVDevices,omitempty"`
	// NoVirtualDevices fakes a driver without libhydmi.so: every
	// virtual-device call fails with ErrNotSupported.
	NoVirtualDevices bool `json:"noVirtualDevices,omitempty"`
}

// ForModel is the description of a whole server of model.
func ForModel(model, seed string) Description {
	return Description{APIVersion: FakeAPIVersion, Kind: fakesdk.KindSystem, Model: model, Seed: seed}
}

// LoadDescription reads and checks a description file.
func LoadDescription(path string) (Description, error) {
	var d Description
	err := fakesdk.Load(path, FakeAPIVersion, &d)
	return d, err
}

// Header is the description's apiVersion and kind.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// Validate names the first wrong field and how to fix it.
func (d *Description) Validate() error {
	m, ok := ModelByName(d.Model)
	if !ok {
		return fmt.Errorf("model %q: must be one of %v", d.Model, ModelNames())
	}
	if d.Devices < 0 || d.Devices > maxFakeDevices {
		return fmt.Errorf("devices %d: must be 0 (a whole %s server, %d cards) to %d", d.Devices, m.Name, m.ServerSize, maxFakeDevices)
	}
	n := d.DeviceCount()
	for i, u := range d.Unhealthy {
		if u < 0 || u >= n {
			return fmt.Errorf("unhealthy[%d] %d: must be a card index from 0 to %d", i, u, n-1)
		}
	}
	if d.MaxVDevices < 0 || d.MaxVDevices > m.ComputeUnits {
		return fmt.Errorf("maxVDevices %d: must be 0 (default %d) to %d (one compute unit each)", d.MaxVDevices, DefaultMaxVDevices, m.ComputeUnits)
	}
	return nil
}

// DeviceCount is the number of cards, the default applied.
func (d *Description) DeviceCount() int {
	if d.Devices == 0 {
		m, _ := ModelByName(d.Model)
		return m.ServerSize
	}
	return d.Devices
}

// VDevicesPerCard is the virtual-DCU limit, the default applied.
func (d *Description) VDevicesPerCard() int {
	if d.MaxVDevices == 0 {
		return DefaultMaxVDevices
	}
	return d.MaxVDevices
}
