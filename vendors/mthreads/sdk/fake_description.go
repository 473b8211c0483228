package sdk

import (
	"github.com/hami-project/hami/common/fakesdk"
)

// FakeAPIVersion is the apiVersion of a Moore Threads fake description.
const FakeAPIVersion = "fake.mthreads.hami.io/v1"

// Description is the file a Fake is built from, the fields every fake
// shares:
//
//	apiVersion: fake.mthreads.hami.io/v1
//	kind: FakeSystem
//	model: MTT S4000
//	devices: 8        # default: the model's server size
//	seed: node-a      # ids are stable per seed: give each node its own
//	unhealthy: [3]
type Description struct{ fakesdk.System }

// Validate implements fakesdk.Description, naming the field and the fix.
func (d *Description) Validate() error {
	m, err := LookupModel(d.Model)
	if err != nil {
		return err
	}
	return d.Check(m.ServerSize, 1)
}

// DeviceCount is Devices, or the model's server size when unset.
func (d *Description) DeviceCount() int {
	m, _ := LookupModel(d.Model)
	return d.System.DeviceCount(m.ServerSize)
}

// ForModel is the description of a full server of model, ids seeded by seed.
func ForModel(model, seed string) Description {
	return Description{System: fakesdk.NewSystem(FakeAPIVersion, model, seed)}
}

// LoadDescription reads and checks the description file at path.
func LoadDescription(path string) (Description, error) {
	return fakesdk.LoadFile[Description](path, FakeAPIVersion)
}
