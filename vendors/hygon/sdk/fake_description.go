package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/fakesdk"
)

// FakeAPIVersion is the apiVersion of a fake description file.
const FakeAPIVersion = "fake.hygon.hami.io/v1"

// DefaultMaxVDevices is how many virtual DCUs a card holds unless the
// description says otherwise (HAMi's default for Hygon).
const DefaultMaxVDevices = 4

// Description is a fake node's DCUs. As a file it is user input, decoded
// strictly.
type Description struct {
	// System's Model is one of ModelNames(); its Unhealthy cards start
	// unhealthy.
	fakesdk.System
	// MaxVDevices is how many virtual DCUs one card holds; 0 means
	// DefaultMaxVDevices.
	MaxVDevices int `json:"maxVDevices,omitempty"`
	// NoVirtualDevices fakes a driver without libhydmi.so: every
	// virtual-device call fails with sdkerr.ErrNotSupported.
	NoVirtualDevices bool `json:"noVirtualDevices,omitempty"`
}

// ForModel is the description of a whole server of model.
func ForModel(model, seed string) Description {
	return Description{System: fakesdk.NewSystem(FakeAPIVersion, model, seed)}
}

// LoadDescription reads and checks a description file.
func LoadDescription(path string) (Description, error) {
	return fakesdk.LoadFile[Description](path, FakeAPIVersion)
}

// Validate names the first wrong field and how to fix it.
func (d *Description) Validate() error {
	m, err := fakesdk.LookupModel(Models(), func(m Model) string { return m.Name }, d.Model)
	if err != nil {
		return err
	}
	if err := d.Check(m.ServerSize, 1); err != nil {
		return err
	}
	if d.MaxVDevices < 0 || d.MaxVDevices > m.ComputeUnits {
		return fmt.Errorf("maxVDevices %d: must be 0 (default %d) to %d (one compute unit each)", d.MaxVDevices, DefaultMaxVDevices, m.ComputeUnits)
	}
	return nil
}

// DeviceCount is the number of cards, the default applied.
func (d *Description) DeviceCount() int {
	m, _ := ModelByName(d.Model)
	return d.System.DeviceCount(m.ServerSize)
}

// VDevicesPerCard is the virtual-DCU limit, the default applied.
func (d *Description) VDevicesPerCard() int {
	if d.MaxVDevices == 0 {
		return DefaultMaxVDevices
	}
	return d.MaxVDevices
}
