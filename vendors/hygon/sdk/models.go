package sdk

import "fmt"

// Model is what HAMi knows of one DCU model (VENDORS.md): the binding uses
// it to name a card from its PCI device id and to count its compute units
// where libhydmi.so is absent; the fake builds its cards from it.
type Model struct {
	Name        string
	PCIDeviceID uint16
	MemoryMiB   uint64
	// ComputeUnits is the card's CU count.
	ComputeUnits int
	// ServerSize is the usual number of cards in one server.
	ServerSize int
	// Topology says how the fake links a server's cards.
	Topology Topology
}

// Topology is how a server's cards are wired.
type Topology string

// Topologies of the built-in models.
const (
	// TopologyPairs: cards 2k and 2k+1 are XGMI peers, the rest reach each
	// other over PCIe (Z100 servers).
	TopologyPairs Topology = "xgmi-pairs"
	// TopologyHive: every card is an XGMI peer of every other (K100-AI).
	TopologyHive Topology = "xgmi-hive"
)

// Built-in model names.
const (
	ModelZ100   = "Z100"
	ModelK100AI = "K100-AI"
)

// Models lists the built-in models.
func Models() []Model {
	return []Model{
		{Name: ModelZ100, PCIDeviceID: 0x54b7, MemoryMiB: 32768, ComputeUnits: 60, ServerSize: 8, Topology: TopologyPairs},
		{Name: ModelK100AI, PCIDeviceID: 0x6210, MemoryMiB: 65536, ComputeUnits: 120, ServerSize: 8, Topology: TopologyHive},
	}
}

// ModelNames are the names of Models, for messages.
func ModelNames() []string {
	var names []string
	for _, m := range Models() {
		names = append(names, m.Name)
	}
	return names
}

// ModelByName finds a built-in model.
func ModelByName(name string) (Model, bool) {
	return findModel(func(m Model) bool { return m.Name == name })
}

// ModelByPCIID finds a built-in model by PCI device id.
func ModelByPCIID(id uint16) (Model, bool) {
	return findModel(func(m Model) bool { return m.PCIDeviceID == id })
}

func findModel(match func(Model) bool) (Model, bool) {
	for _, m := range Models() {
		if match(m) {
			return m, true
		}
	}
	return Model{}, false
}

// modelName names a card by its PCI device id.
func modelName(id uint16) string {
	if m, ok := ModelByPCIID(id); ok {
		return m.Name
	}
	return fmt.Sprintf("DCU-%04x", id)
}
