package sdk

import (
	"github.com/hami-project/hami/common/fakesdk"
)

// APIVersionFake is the schema of the fake's description file.
const APIVersionFake = "fake.ascend.hami.io/v1"

// Description says which fake node to build: the fields every fake shares.
// Model is one of ModelNames(); Devices counts dies, 0 meaning the model's
// usual server (8, or 16 dies on eight 910C cards), and a 910C needs an
// even number. As a file it is user input, decoded strictly.
type Description struct{ fakesdk.System }

// ForModel is the description of a whole server of model.
func ForModel(model, seed string) Description {
	return Description{System: fakesdk.NewSystem(APIVersionFake, model, seed)}
}

// Validate names the field that is wrong and the fix.
func (d *Description) Validate() error {
	m, err := LookupModel(d.Model)
	if err != nil {
		return err
	}
	return d.Check(m.ServerDevices, m.DiesPerCard)
}

// DeviceCount is the number of dies the description makes.
func (d *Description) DeviceCount() int {
	return d.System.DeviceCount(Models()[d.Model].ServerDevices)
}

// LoadDescription reads and checks a description file.
func LoadDescription(path string) (Description, error) {
	return fakesdk.LoadFile[Description](path, APIVersionFake)
}
