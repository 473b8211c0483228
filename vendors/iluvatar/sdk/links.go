package sdk

import "github.com/hami-project/hami/common/device"

// LinkKind is how two chips reach each other, nearest first. The values
// follow ixmlGpuTopologyLevel_t, with LinkBoard for the two chips of one
// board (ixmlDeviceOnSameBoard), which the topology call cannot tell apart
// from a PCIe switch.
type LinkKind int

// The link kinds.
const (
	LinkBoard      LinkKind = 1
	LinkSingle     LinkKind = 10
	LinkMultiple   LinkKind = 20
	LinkHostBridge LinkKind = 30
	LinkNode       LinkKind = 40
	LinkSystem     LinkKind = 50
)

type linkKind struct {
	name  string
	score int32
}

// linkKinds names the kinds and scores them on common/device's scale: the
// two chips of a board score as a fabric link, so a two-chip request lands
// on one board.
func linkKinds() map[LinkKind]linkKind {
	return map[LinkKind]linkKind{
		LinkBoard: {"board", device.ScoreFabric}, LinkSingle: {"pcie-switch", device.ScorePCIeSwitch},
		LinkMultiple: {"pcie-switches", device.ScorePCIeMulti}, LinkHostBridge: {"host-bridge", device.ScoreHostBridge},
		LinkNode: {"numa-node", device.ScoreNUMANode}, LinkSystem: {"system", device.ScoreSystem},
	}
}

// String is the kind's name in logs and metrics.
func (k LinkKind) String() string {
	if l, ok := linkKinds()[k]; ok {
		return l.name
	}
	return "unknown"
}

// Score is the kind as an inventory link score: higher is faster. Unknown
// kinds score 0.
func (k LinkKind) Score() int32 { return linkKinds()[k].score }

// Link is how the chip at Peer is reached.
type Link struct {
	Peer int
	Kind LinkKind
}
