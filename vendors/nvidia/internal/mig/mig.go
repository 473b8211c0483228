// Package mig owns making and destroying MIG devices in NVML: the GPU
// instance and compute instance the scheduler chose (profile and
// placement). Their life (checkpoint, reconcile when the pod is gone) is
// the kit's partition manager's; this package is its driver for NVIDIA.
package mig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// ErrMIGDisabled means the GPU is not in MIG mode.
var ErrMIGDisabled = errors.New("MIG mode is not enabled on the GPU (enable it with nvidia-smi -i <gpu> -mig 1)")

// Handles are what NVML needs to find a MIG device again, kept in the
// partition checkpoint.
type Handles struct {
	GI        int   `json:"gi"`
	CI        int   `json:"ci"`
	Placement int32 `json:"placement"`
}

// Driver creates and destroys MIG devices through NVML.
type Driver struct {
	lib nvml.Interface
}

var _ partition.Driver = (*Driver)(nil)

// NewDriver returns a Driver over lib.
func NewDriver(lib nvml.Interface) *Driver { return &Driver{lib: lib} }

// Create returns the partition.Create that makes a MIG device of profile p
// at placement on gpu; the instance's ID is the MIG device's UUID.
func (d *Driver) Create(gpu string, p discovery.Profile, placement int32) partition.Create {
	return func(context.Context, []partition.Instance) (partition.Instance, error) {
		h, uuid, err := d.create(gpu, p, placement)
		if err != nil {
			return partition.Instance{}, fmt.Errorf("create MIG %s at slice %d on %s: %w", p.Name, placement, gpu, err)
		}
		data, err := json.Marshal(h)
		if err != nil {
			return partition.Instance{}, errors.Join(err, d.destroy(gpu, h))
		}
		return partition.Instance{ID: uuid, Profile: p.Name, Data: data}, nil
	}
}

// Destroy implements partition.Driver; an instance already gone counts as
// destroyed.
func (d *Driver) Destroy(_ context.Context, in partition.Instance) error {
	h, err := partition.DataOf[Handles](in, "MIG device")
	if err != nil {
		return err
	}
	return d.destroy(in.Device, h)
}
