package fake

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/common/fakesdk"
)

// Schema of the description file.
const (
	APIVersionV1 = "fake.nvidia.hami.io/v1"
	Kind         = fakesdk.KindSystem
)

// Description says which fake system to build. As a file it is user input,
// so it is decoded strictly.
type Description struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// System is one of Systems.
	System string `json:"system"`
	// GPUs keeps only the first n GPUs; 0 keeps all (8).
	GPUs int `json:"gpus,omitempty"`
	// Seed makes the GPU UUIDs; use the node name so they differ per node
	// and stay the same across restarts.
	Seed string `json:"seed,omitempty"`
	// MIGEnabled lists the GPU indexes that start in MIG mode.
	MIGEnabled []int `json:"migEnabled,omitempty"`
}

// ForSystem is the description of a whole system.
func ForSystem(system, seed string) Description {
	return Description{APIVersion: APIVersionV1, Kind: Kind, System: system, Seed: seed}
}

// Validate checks the description.
func (d *Description) Validate() error {
	if !slices.Contains(Systems, d.System) {
		return fmt.Errorf("fake system %q: must be one of %v", d.System, Systems)
	}
	if d.GPUs < 0 {
		return fmt.Errorf("fake system gpus %d: must not be negative", d.GPUs)
	}
	return nil
}

// Header implements fakesdk.Description.
func (d *Description) Header() codec.Header {
	return codec.Header{APIVersion: d.APIVersion, Kind: d.Kind}
}

// Load reads a description file (strictly: it is user input).
func Load(path string) (Description, error) {
	var d Description
	return d, fakesdk.Load(path, APIVersionV1, &d)
}
