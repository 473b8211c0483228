package sdk

import (
	"slices"

	"github.com/hami-project/hami/common/fakesdk"
)

// Model is what the fake knows of a Cambricon card model (VENDORS.md).
type Model struct {
	Name      string
	MemoryMiB int
	// ServerSize is how many of these cards the usual server holds, the
	// fake's default card count.
	ServerSize int
	// Ports is the MLU-Link ports per card; 0 for PCIe-only cards.
	Ports int
	// LinkGroups are the sets of cards (indexes within one server) joined
	// all to all by MLU-Link, each card's ports shared evenly among the
	// others of its group.
	LinkGroups [][]int
	// MaxPartitions is how many sMLU instances one card holds at most.
	MaxPartitions int
}

// Models is the table of models the fake can be; a fresh copy each call.
func Models() []Model {
	return []Model{
		{
			Name: "MLU370-X8", MemoryMiB: 48 * 1024, ServerSize: 8, Ports: 6,
			LinkGroups:    [][]int{{0, 1, 4, 5}, {2, 3, 6, 7}},
			MaxPartitions: 16,
		},
		{Name: "MLU370-X4", MemoryMiB: 24 * 1024, ServerSize: 8, MaxPartitions: 16},
	}
}

// ModelNames lists the models, for messages.
func ModelNames() []string { return fakesdk.ModelNames(Models(), modelName) }

// LookupModel finds a model by name; the error lists the known ones.
func LookupModel(name string) (Model, error) { return fakesdk.LookupModel(Models(), modelName, name) }

func modelName(m Model) string { return m.Name }

// links is the MLU-Link peers of card index in a system of count cards:
// the other members of its group within its server.
func (m Model) links(index, count int) []Link {
	if m.Ports == 0 || m.ServerSize == 0 {
		return nil
	}
	base, local := index-index%m.ServerSize, index%m.ServerSize
	var out []Link
	for _, g := range m.LinkGroups {
		if !slices.Contains(g, local) {
			continue
		}
		for _, peer := range g {
			if peer != local && base+peer < count {
				out = append(out, Link{Peer: base + peer, Kind: LinkMLULink, Ports: m.Ports / (len(g) - 1)})
			}
		}
	}
	slices.SortFunc(out, func(a, b Link) int { return a.Peer - b.Peer })
	return out
}

// numaNode puts the first half of a server's cards on node 0 and the second
// half on node 1, as a two-socket server does.
func (m Model) numaNode(index int) int {
	if m.ServerSize < 2 {
		return 0
	}
	return (index % m.ServerSize) * 2 / m.ServerSize
}
