package mig

import (
	"errors"
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// ciProfiles maps a GPU instance's slice count to the compute-instance
// profile that uses all of it.
var ciProfiles = map[int32]int{
	1: nvml.COMPUTE_INSTANCE_PROFILE_1_SLICE, 2: nvml.COMPUTE_INSTANCE_PROFILE_2_SLICE,
	3: nvml.COMPUTE_INSTANCE_PROFILE_3_SLICE, 4: nvml.COMPUTE_INSTANCE_PROFILE_4_SLICE,
	6: nvml.COMPUTE_INSTANCE_PROFILE_6_SLICE, 7: nvml.COMPUTE_INSTANCE_PROFILE_7_SLICE,
	8: nvml.COMPUTE_INSTANCE_PROFILE_8_SLICE,
}

func (d *Driver) create(gpu string, p discovery.Profile, placement int32) (Handles, string, error) {
	h := Handles{Placement: placement}
	dev, ret := d.lib.DeviceGetHandleByUUID(gpu)
	if err := discovery.Check(ret, "device"); err != nil {
		return h, "", err
	}
	if cur, _, ret := dev.GetMigMode(); ret != nvml.SUCCESS || cur != nvml.DEVICE_MIG_ENABLE {
		return h, "", ErrMIGDisabled
	}
	info, ret := dev.GetGpuInstanceProfileInfo(p.ID)
	if err := discovery.Check(ret, "gpu instance profile"); err != nil {
		return h, "", err
	}
	gi, ret := dev.CreateGpuInstanceWithPlacement(&info, &nvml.GpuInstancePlacement{Start: uint32(placement), Size: info.SliceCount})
	if err := discovery.Check(ret, "create gpu instance"); err != nil {
		return h, "", err
	}
	ci, err := createCI(gi, p.Slices)
	if err != nil {
		_ = gi.Destroy()
		return h, "", err
	}
	var uuid string
	if h.GI, h.CI, uuid, err = identify(dev, gi, ci); err != nil {
		_ = ci.Destroy()
		_ = gi.Destroy()
		return h, "", err
	}
	return h, uuid, nil
}

func createCI(gi nvml.GpuInstance, slices int32) (nvml.ComputeInstance, error) {
	id, ok := ciProfiles[slices]
	if !ok {
		return nil, fmt.Errorf("no compute-instance profile for %d slices", slices)
	}
	info, ret := gi.GetComputeInstanceProfileInfo(id, nvml.COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED)
	if err := discovery.Check(ret, "compute instance profile"); err != nil {
		return nil, err
	}
	ci, ret := gi.CreateComputeInstance(&info)
	if err := discovery.Check(ret, "create compute instance"); err != nil {
		return nil, err
	}
	return ci, nil
}

// identify finds the MIG device handle of the new instance and its UUID.
func identify(d nvml.Device, gi nvml.GpuInstance, ci nvml.ComputeInstance) (int, int, string, error) {
	giInfo, ret := gi.GetInfo()
	if err := discovery.Check(ret, "gpu instance info"); err != nil {
		return 0, 0, "", err
	}
	ciInfo, ret := ci.GetInfo()
	if err := discovery.Check(ret, "compute instance info"); err != nil {
		return 0, 0, "", err
	}
	n, ret := d.GetMaxMigDeviceCount()
	if err := discovery.Check(ret, "max MIG devices"); err != nil {
		return 0, 0, "", err
	}
	for i := range n {
		md, ret := d.GetMigDeviceHandleByIndex(i)
		if ret != nvml.SUCCESS {
			continue
		}
		g, r1 := md.GetGpuInstanceId()
		c, r2 := md.GetComputeInstanceId()
		if r1 == nvml.SUCCESS && r2 == nvml.SUCCESS && g == int(giInfo.Id) && c == int(ciInfo.Id) {
			uuid, ret := md.GetUUID()
			return g, c, uuid, discovery.Check(ret, "MIG device uuid")
		}
	}
	return 0, 0, "", errors.New("new MIG device not found among the GPU's MIG devices")
}

// destroy removes an instance; one already gone counts as destroyed.
func (d *Driver) destroy(gpu string, h Handles) error {
	dev, ret := d.lib.DeviceGetHandleByUUID(gpu)
	if err := discovery.Check(ret, "device "+gpu); err != nil {
		return err
	}
	gi, ret := dev.GetGpuInstanceById(h.GI)
	if ret == nvml.ERROR_NOT_FOUND || ret == nvml.ERROR_INVALID_ARGUMENT {
		return nil
	}
	if err := discovery.Check(ret, fmt.Sprintf("gpu instance %d on %s", h.GI, gpu)); err != nil {
		return err
	}
	if ci, ret := gi.GetComputeInstanceById(h.CI); ret == nvml.SUCCESS {
		if err := discovery.Check(ci.Destroy(), "destroy compute instance"); err != nil {
			return err
		}
	}
	return discovery.Check(gi.Destroy(), fmt.Sprintf("destroy gpu instance %d on %s", h.GI, gpu))
}
