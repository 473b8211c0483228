package discovery

import (
	"fmt"
	"sort"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// profiles lists the GPU-instance profiles the device supports and its
// slice count. Media-extension (+me) variants are left out: the scheduler
// picks the smallest profile that fits memory and cores, and +me variants
// would only duplicate their base profile.
func profiles(d nvml.Device) ([]Profile, int32) {
	var infos []nvml.GpuInstanceProfileInfo
	var slices uint32
	for id := range nvml.GPU_INSTANCE_PROFILE_COUNT {
		if id == nvml.GPU_INSTANCE_PROFILE_1_SLICE_REV1 || id == nvml.GPU_INSTANCE_PROFILE_2_SLICE_REV1 {
			continue
		}
		info, ret := d.GetGpuInstanceProfileInfo(id)
		if ret != nvml.SUCCESS || info.SliceCount == 0 {
			continue
		}
		infos = append(infos, info)
		slices = max(slices, info.SliceCount)
	}
	out := make([]Profile, 0, len(infos))
	for _, info := range infos {
		out = append(out, profile(d, info, slices))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Slices != out[j].Slices {
			return out[i].Slices < out[j].Slices
		}
		return out[i].MemoryMiB < out[j].MemoryMiB
	})
	return out, int32(slices)
}

func profile(d nvml.Device, info nvml.GpuInstanceProfileInfo, slices uint32) Profile {
	p := Profile{
		ID:        int(info.Id),
		Name:      ProfileName(info.SliceCount, info.MemorySizeMB),
		Slices:    int32(info.SliceCount),
		MemoryMiB: int64(info.MemorySizeMB),
		Cores:     int32(info.SliceCount * 100 / slices),
		MaxCount:  int32(info.InstanceCount),
	}
	if placements, ret := d.GetGpuInstancePossiblePlacements(&info); ret == nvml.SUCCESS {
		for _, pl := range placements {
			p.Placements = append(p.Placements, int32(pl.Start))
		}
	}
	return p
}

// ProfileName is NVIDIA's name of a profile: <slices>g.<memory GB>gb.
func ProfileName(slices uint32, memoryMiB uint64) string {
	return fmt.Sprintf("%dg.%dgb", slices, (memoryMiB+512)/1024)
}
