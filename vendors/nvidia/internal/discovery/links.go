package discovery

import "github.com/NVIDIA/go-nvml/pkg/nvml"

// Link scores: higher is faster. NVLink (direct or through NVSwitch) beats
// every PCIe path; PCIe paths score by how far up the tree they meet.
const (
	ScoreNVLink     int32 = 100
	ScorePCIeSwitch int32 = 60 // same PCIe switch
	ScorePCIeMulti  int32 = 50 // several switches, no host bridge
	ScoreHostBridge int32 = 40
	ScoreNUMANode   int32 = 30
	ScoreSystem     int32 = 10 // across NUMA nodes (SMP interconnect)
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

// LinkScore scores the fastest path between two GPUs; 0 when unknown.
func LinkScore(a, b nvml.Device) int32 {
	if st, ret := a.GetP2PStatus(b, nvml.P2P_CAPS_INDEX_NVLINK); ret == nvml.SUCCESS && st == nvml.P2P_STATUS_OK {
		return ScoreNVLink
	}
	level, ret := a.GetTopologyCommonAncestor(b)
	if ret != nvml.SUCCESS {
		return 0
	}
	switch level {
	case nvml.TOPOLOGY_INTERNAL, nvml.TOPOLOGY_SINGLE:
		return ScorePCIeSwitch
	case nvml.TOPOLOGY_MULTIPLE:
		return ScorePCIeMulti
	case nvml.TOPOLOGY_HOSTBRIDGE:
		return ScoreHostBridge
	case nvml.TOPOLOGY_NODE:
		return ScoreNUMANode
	default:
		return ScoreSystem
	}
}
