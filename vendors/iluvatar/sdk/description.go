package sdk

import (
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFake is the schema of the fake's description file (kind
// FakeSystem).
const APIVersionFake = "fake.iluvatar.hami.io/v1"

// Description says which fake system to build: the fields every fake
// shares. Model is one of Models' names; two-chip boards need an even
// Devices; Unhealthy chips start with an ECC error. As a file it is user
// input, so it is decoded strictly (LoadDescription).
type Description struct{ fakesdk.System }

// ForModel is the description of the model's usual server.
func ForModel(model, seed string) Description {
	return Description{System: fakesdk.NewSystem(APIVersionFake, model, seed)}
}

// LoadDescription reads a description file.
func LoadDescription(path string) (Description, error) {
	return fakesdk.LoadFile[Description](path, APIVersionFake)
}

// Validate checks the description, naming the field and the fix.
func (d *Description) Validate() error {
	m, err := LookupModel(d.Model)
	if err != nil {
		return err
	}
	return d.Check(m.ServerChips, m.ChipsPerBoard)
}

// chips is the chip count, the model's default filled in.
func (d *Description) chips(m Model) int { return d.DeviceCount(m.ServerChips) }
