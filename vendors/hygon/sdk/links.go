package sdk

import "github.com/hami-project/hami/common/device"

// Link scores: higher is faster. XGMI (the DCU-to-DCU fabric) beats every
// PCIe path; each extra hop costs a step, so a direct XGMI peer beats one
// reached through the hive, and a PCIe peer under the same root beats one
// across the CPU interconnect. They are on common/device's scale.
const (
	ScoreXGMI          = device.ScoreFabric
	ScorePCIe          = device.ScorePCIeMulti
	scoreHopCost int32 = 10
	scoreMinimum       = device.ScoreSystem
)

// LinkScore scores a link of kind over hops hops.
func LinkScore(kind LinkKind, hops int) int32 {
	base := ScorePCIe
	if kind == LinkXGMI {
		base = ScoreXGMI
	}
	extra := int32(min(max(hops-1, 0), 100))
	return max(base-extra*scoreHopCost, scoreMinimum)
}
