package sdk

import "github.com/hami-project/hami/common/fakesdk"

// Model is what the fake knows of one Iluvatar product (from
// /work/shared/VENDORS.md). A device is one chip: a BI-V150 board holds two.
type Model struct {
	// Name is the chip name of the per-chip resource names, e.g. "BI-V150".
	Name string
	// MemoryMiB is the memory of one chip.
	MemoryMiB uint64
	// ChipsPerBoard is 2 where two chips share a board, linked as LinkBoard.
	ChipsPerBoard int
	// ServerChips is the chip count of the usual server: the fake's
	// default.
	ServerChips int
}

// Models are the built-in models, in name order.
func Models() []Model {
	return []Model{
		{Name: "BI-V100", MemoryMiB: 32 * 1024, ChipsPerBoard: 1, ServerChips: 8},
		{Name: "BI-V150", MemoryMiB: 32 * 1024, ChipsPerBoard: 2, ServerChips: 16},
	}
}

// ModelNames are the names of Models, for messages.
func ModelNames() []string { return fakesdk.ModelNames(Models(), modelName) }

// LookupModel is the built-in model name; the error lists the known ones.
func LookupModel(name string) (Model, error) { return fakesdk.LookupModel(Models(), modelName, name) }

func modelName(m Model) string { return m.Name }
