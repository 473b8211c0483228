package sdk

import (
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFake is the apiVersion of a fake description file.
const APIVersionFake = "fake.cambricon.hami.io/v1"

// Description says which fake system to build: the fields every fake
// shares (fakesdk.System; Model is one of Models()) and the cards not in
// sMLU mode. As a file it is user input, decoded strictly.
type Description struct {
	fakesdk.System
	// SMLUDisabled lists the card indexes not in sMLU mode: whole cards only.
	SMLUDisabled []int `json:"smluDisabled,omitempty"`
}

// ForModel describes a whole server of model.
func ForModel(model, seed string) Description {
	return Description{System: fakesdk.NewSystem(APIVersionFake, model, seed)}
}

// LoadDescription reads a description file.
func LoadDescription(path string) (Description, error) {
	return fakesdk.LoadFile[Description](path, APIVersionFake)
}

// DeviceCount is the number of cards the fake has.
func (d *Description) DeviceCount() int {
	m, _ := LookupModel(d.Model)
	return d.System.DeviceCount(m.ServerSize)
}

// Validate names the field at fault and how to fix it.
func (d *Description) Validate() error {
	m, err := LookupModel(d.Model)
	if err != nil {
		return err
	}
	if err := d.Check(m.ServerSize, 1); err != nil {
		return err
	}
	return fakesdk.CheckIndexes("smluDisabled", d.SMLUDisabled, d.DeviceCount())
}
