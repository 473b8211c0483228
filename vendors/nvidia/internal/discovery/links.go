package discovery

import (
	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/hami-project/hami/common/device"
)

func links(handles []nvml.Device, gpus []GPU, i int) map[string]int32 {
	out := map[string]int32{}
	for j := range handles {
		if j == i {
			continue
		}
		if s := LinkScore(handles[i], handles[j]); s > 0 {
			out[gpus[j].UUID] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// LinkScore scores the fastest path between two GPUs on common/device's
// scale (NVLink, direct or through NVSwitch, is the fabric); 0 when unknown.
func LinkScore(a, b nvml.Device) int32 {
	if st, ret := a.GetP2PStatus(b, nvml.P2P_CAPS_INDEX_NVLINK); ret == nvml.SUCCESS && st == nvml.P2P_STATUS_OK {
		return device.ScoreFabric
	}
	level, ret := a.GetTopologyCommonAncestor(b)
	if ret != nvml.SUCCESS {
		return 0
	}
	switch level {
	case nvml.TOPOLOGY_INTERNAL, nvml.TOPOLOGY_SINGLE:
		return device.ScorePCIeSwitch
	case nvml.TOPOLOGY_MULTIPLE:
		return device.ScorePCIeMulti
	case nvml.TOPOLOGY_HOSTBRIDGE:
		return device.ScoreHostBridge
	case nvml.TOPOLOGY_NODE:
		return device.ScoreNUMANode
	default:
		return device.ScoreSystem
	}
}
