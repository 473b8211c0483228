package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFake is the schema of the fake's description file (kind
// FakeSystem).
const APIVersionFake = "fake.iluvatar.hami.io/v1"

// maxFakeChips bounds a description so a typo cannot ask for a million
// device files.
const maxFakeChips = 64

// Description says which fake system to build. As a file it is user input,
// so it is decoded strictly (LoadDescription).
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Model is one of Models' names.
	Model string `json:"model"`
	// Devices is the number of chips; 0 means the model's usual server.
	// Two-chip boards need an even number.
	Devices int `json:"devices,omitempty"`
	// Seed makes the UUIDs and serials; use the node name so they differ
	// per node and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// Unhealthy lists the chip indexes that start unhealthy (an ECC error).
	Unhealthy []int `json:"unhealthy,omitempty"`
}

// ForModel is the description of the model's usual server.
func ForModel(model, seed string) Description {
	return Description{APIVersion: APIVersionFake, Kind: fakesdk.KindSystem, Model: model, Seed: seed}
}

// Header is the description's schema, for fakesdk.Load.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// LoadDescription reads a description file.
func LoadDescription(path string) (Description, error) {
	var d Description
	if err := fakesdk.Load(path, APIVersionFake, &d); err != nil {
		return Description{}, err
	}
	return d, nil
}

// Validate checks the description, naming the field and the fix.
func (d *Description) Validate() error {
	m, err := LookupModel(d.Model)
	if err != nil {
		return err
	}
	switch {
	case d.Devices < 0:
		return fmt.Errorf("devices %d: must not be negative (0 means the usual %d)", d.Devices, m.ServerChips)
	case d.Devices > maxFakeChips:
		return fmt.Errorf("devices %d: at most %d", d.Devices, maxFakeChips)
	case d.Devices%m.ChipsPerBoard != 0:
		return fmt.Errorf("devices %d: a %s board has %d chips, so use a multiple of %d", d.Devices, m.Name, m.ChipsPerBoard, m.ChipsPerBoard)
	}
	n := d.chips(m)
	for i, idx := range d.Unhealthy {
		if idx < 0 || idx >= n {
			return fmt.Errorf("unhealthy[%d] = %d: no such chip, use 0..%d", i, idx, n-1)
		}
		if slices.Contains(d.Unhealthy[:i], idx) {
			return fmt.Errorf("unhealthy[%d] = %d: listed twice, remove one", i, idx)
		}
	}
	return nil
}

// chips is the chip count, the model's default filled in.
func (d *Description) chips(m Model) int {
	if d.Devices == 0 {
		return m.ServerChips
	}
	return d.Devices
}
