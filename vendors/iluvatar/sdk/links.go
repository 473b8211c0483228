package sdk

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

// String is the kind's name in logs and metrics.
func (k LinkKind) String() string {
	switch k {
	case LinkBoard:
		return "board"
	case LinkSingle:
		return "pcie-switch"
	case LinkMultiple:
		return "pcie-switches"
	case LinkHostBridge:
		return "host-bridge"
	case LinkNode:
		return "numa-node"
	case LinkSystem:
		return "system"
	}
	return "unknown"
}

// Score is the kind as an inventory link score: higher is faster, and the
// two chips of a board score highest so a two-chip request lands on one
// board. Unknown kinds score 0.
func (k LinkKind) Score() int32 {
	switch k {
	case LinkBoard:
		return 100
	case LinkSingle:
		return 60
	case LinkMultiple:
		return 50
	case LinkHostBridge:
		return 40
	case LinkNode:
		return 20
	case LinkSystem:
		return 10
	}
	return 0
}

// Link is how the chip at Peer is reached.
type Link struct {
	Peer int
	Kind LinkKind
}
