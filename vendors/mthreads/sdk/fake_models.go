package sdk

import (
	"fmt"
	"strings"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/fakesdk"
)

// Model is what the fake knows about one Moore Threads product, from
// VENDORS.md.
type Model struct {
	Name       string
	MemoryMiB  uint64
	CoreGroups int
	// ServerSize is how many cards a server of this model usually holds:
	// the fake's default device count.
	ServerSize int
	// MTLinkGroup is how many consecutive cards MTLink joins all-to-all
	// (0: PCIe only). The S4000's exact wiring is not public; an
	// all-to-all group per 8-card server is this project's assumption.
	MTLinkGroup int
	// NUMANodes the cards of a server are spread over, in halves.
	NUMANodes int
}

// models is the built-in table; a function, not a package variable, so no
// caller can change it.
func models() []Model {
	return []Model{{
		Name: "MTT S4000", MemoryMiB: 48 * 1024, CoreGroups: CoreGroups,
		ServerSize: 8, MTLinkGroup: 8, NUMANodes: 2,
	}}
}

// Models are the names of the built-in models.
func Models() []string { return fakesdk.ModelNames(models(), modelName) }

// LookupModel is the built-in model called name; the error lists the known
// ones.
func LookupModel(name string) (Model, error) { return fakesdk.LookupModel(models(), modelName, name) }

func modelName(m Model) string { return m.Name }

// MemoryUnits is the model's memory in sGPU units.
func (m Model) MemoryUnits() int { return int(m.MemoryMiB / MemoryUnitMiB) }

// VirtTypes are the sGPU types a card of the model supports: one per
// memory size that fits the card, at most one instance per core group.
func (m Model) VirtTypes() []VirtType {
	var types []VirtType
	for _, u := range MemoryUnits() {
		if u > m.MemoryUnits() {
			continue
		}
		types = append(types, VirtType{
			ID:           virtTypeID(u),
			Name:         virtTypeName(m.Name, u),
			MemoryMiB:    uint64(u) * MemoryUnitMiB,
			MaxInstances: min(m.CoreGroups, m.MemoryUnits()/u),
		})
	}
	return types
}

// link is how the fake wires cards i and j of a model with n cards.
func (m Model) link(i, j, n int) Link {
	if m.MTLinkGroup > 0 && i/m.MTLinkGroup == j/m.MTLinkGroup {
		return Link{Peer: j, Kind: LinkMTLink, Score: device.ScoreFabric, MTLinks: 1}
	}
	switch {
	case i/2 == j/2:
		return Link{Peer: j, Kind: LinkPCIeSwitch, Score: device.ScorePCIeSwitch}
	case m.numaNode(i, n) == m.numaNode(j, n):
		return Link{Peer: j, Kind: LinkNUMANode, Score: device.ScoreNUMANode}
	default:
		return Link{Peer: j, Kind: LinkSystem, Score: device.ScoreSystem}
	}
}

func (m Model) numaNode(i, n int) int {
	if m.NUMANodes <= 1 || n < m.NUMANodes {
		return 0
	}
	per := (n + m.NUMANodes - 1) / m.NUMANodes
	return i / per
}

func virtTypeID(units int) string { return fmt.Sprintf("mtgpu-%d", units) }

// virtTypeName is "S4000-1G" for 2 units of an "MTT S4000".
func virtTypeName(model string, units int) string {
	return fmt.Sprintf("%s-%dG", strings.TrimPrefix(model, "MTT "), units*MemoryUnitMiB/1024)
}
