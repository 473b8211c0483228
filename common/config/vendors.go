package config

import "github.com/hami-project/hami/common/device"

// Vendor keys of the defaults. A plugin publishes under its key.
const (
	VendorNVIDIA     = "nvidia"
	VendorCambricon  = "cambricon"
	VendorHygon      = "hygon"
	VendorAscend910A = "ascend910a"
	VendorAscend910B = "ascend910b"
	VendorAscend310P = "ascend310p"
	VendorIluvatar   = "iluvatar"
	VendorMThreads   = "mthreads"
	VendorMetaX      = "metax"
)

// DefaultVendors returns the resource and annotation names users of HAMi
// already write, for every supported vendor. A fresh map on every call.
func DefaultVendors() map[string]device.Resources {
	return map[string]device.Resources{
		VendorNVIDIA: {
			Count: "nvidia.com/gpu", Memory: "nvidia.com/gpumem",
			MemoryPercent: "nvidia.com/gpumem-percentage", Cores: "nvidia.com/gpucores",
			Aliases: []device.Alias{
				{Name: "volcano.sh/vgpu-number", Role: device.RoleCount},
				{Name: "volcano.sh/vgpu-memory", Role: device.RoleMemory},
				{Name: "volcano.sh/vgpu-cores", Role: device.RoleCores},
			},
			Annotations: selector("nvidia.com", "gpu", "nvidia.com/vgpu-mode"),
		},
		VendorCambricon: {
			Count: "cambricon.com/mlunum", Memory: "cambricon.com/mlumem",
			Aliases: []device.Alias{
				{Name: "cambricon.com/vmlu", Role: device.RoleCount},
				{Name: "cambricon.com/mlu.smlu.vmemory", Role: device.RoleMemory, UnitMiB: 256},
				{Name: "cambricon.com/mlu.smlu.vcore", Role: device.RoleCores},
			},
			Annotations:  selector("cambricon.com", "mlu", "cambricon.com/mlu-mode"),
			DefaultCores: whole(), WholeDevices: true,
		},
		VendorHygon: {
			Count: "hygon.com/dcunum", Memory: "hygon.com/dcumem", Cores: "hygon.com/dcucores",
			Annotations:  selector("hygon.com", "dcu", "hygon.com/dcu-mode"),
			DefaultCores: whole(), WholeDevices: true,
		},
		VendorAscend910A: ascend("Ascend910A"),
		VendorAscend910B: ascend("Ascend910B"),
		VendorAscend310P: ascend("Ascend310P"),
		VendorIluvatar: {
			Count: "iluvatar.ai/vgpu", Memory: "iluvatar.ai/vcuda-memory", Cores: "iluvatar.ai/vcuda-core",
			Annotations: selector("iluvatar.ai", "gpu", "iluvatar.ai/vgpu-mode"),
		},
		VendorMThreads: {
			Count: "mthreads.com/vgpu", Memory: "mthreads.com/sgpu-memory", Cores: "mthreads.com/sgpu-core",
			Annotations: selector("mthreads.com", "gpu", "mthreads.com/vgpu-mode"),
		},
		VendorMetaX: {
			Count: "metax-tech.com/sgpu", Memory: "metax-tech.com/vmemory", Cores: "metax-tech.com/vcore",
			Annotations: selector("metax-tech.com", "gpu", "metax-tech.com/sgpu-mode"),
		},
	}
}

// ascend names follow Huawei's template resources: the chip name for the
// count, with -memory and -aicore suffixes.
func ascend(chip string) device.Resources {
	base := "huawei.com/" + chip
	return device.Resources{
		Count: base, Memory: base + "-memory", Cores: base + "-aicore",
		Annotations: selector("huawei.com", "npu", "huawei.com/vnpu-mode"),
	}
}

// whole is a default of 100 cores: a request naming no cores takes the
// device exclusively.
func whole() *int32 {
	c := int32(100)
	return &c
}

func selector(domain, noun, mode string) device.Selector {
	return device.Selector{
		UseType:   domain + "/use-" + noun + "type",
		NoUseType: domain + "/nouse-" + noun + "type",
		UseUUID:   domain + "/use-" + noun + "uuid",
		NoUseUUID: domain + "/nouse-" + noun + "uuid",
		Mode:      mode,
		NUMABind:  domain + "/numa-bind",
	}
}
