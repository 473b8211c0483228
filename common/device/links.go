package device

// Link scores on one scale for every vendor, so the scheduler compares a
// node's links without knowing whose they are: higher is faster. A vendor
// maps its own topology onto these (a device fabric is the fastest path,
// crossing NUMA nodes the slowest).
const (
	// ScoreFabric is a direct device-to-device fabric link: NVLink, MTLink,
	// XGMI, HCCS, MLU-Link.
	ScoreFabric int32 = 100
	// ScorePCIeSwitch is two devices under the same PCIe switch.
	ScorePCIeSwitch int32 = 60
	// ScorePCIeMulti is a path over several switches, no host bridge.
	ScorePCIeMulti int32 = 50
	// ScoreHostBridge is a path through the CPU's host bridge.
	ScoreHostBridge int32 = 40
	// ScoreNUMANode is a path within one NUMA node.
	ScoreNUMANode int32 = 30
	// ScoreSystem is a path across NUMA nodes (the SMP interconnect).
	ScoreSystem int32 = 10
)

// Groups returns the devices of a node of count devices that share a group
// with index, where devices come in groups of size (the boards, or the
// fabric domains, of consecutive indexes): the peers index has a fabric link
// to. index itself is left out; a size below 2 has no peers.
func Groups(index, count, size int) []int {
	if size < 2 || index < 0 || index >= count {
		return nil
	}
	first := index / size * size
	var peers []int
	for p := first; p < first+size && p < count; p++ {
		if p != index {
			peers = append(peers, p)
		}
	}
	return peers
}

// Peers are the devices of a node of count devices other than index, in
// index order: the devices a link list names.
func Peers(index, count int) []int {
	peers := make([]int, 0, max(count-1, 0))
	for p := range count {
		if p != index {
			peers = append(peers, p)
		}
	}
	return peers
}
