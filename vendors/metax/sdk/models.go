package sdk

import "github.com/hami-project/hami/common/fakesdk"

// Model is what the fake knows of one MetaX GPU model (VENDORS.md).
type Model struct {
	Name      string
	MemoryMiB uint64
	// MaxSgpus is how many sGPUs one device of the model holds.
	MaxSgpus int
	// ServerSize is how many devices its usual server has.
	ServerSize int
	// ZoneSize is how many devices one MetaXLink zone joins: devices
	// 0..ZoneSize-1 form one zone, the next ZoneSize another. Each zone
	// hangs off its own CPU socket (NUMA node).
	ZoneSize int
}

// Models names the models the fake can build.
const (
	ModelC500 = "C500"
	// ModelC500With32G is a 32 GiB variant of the C500: a second memory size
	// so that tests prove memory is read from the device, not assumed.
	ModelC500With32G = "C500-32G"
)

// Models is the table of built-in models.
func Models() []Model {
	return []Model{
		{Name: ModelC500, MemoryMiB: 64 * 1024, MaxSgpus: MaxSgpusPerDevice, ServerSize: 8, ZoneSize: 4},
		{Name: ModelC500With32G, MemoryMiB: 32 * 1024, MaxSgpus: MaxSgpusPerDevice, ServerSize: 8, ZoneSize: 4},
	}
}

// ModelNames are the names of the built-in models.
func ModelNames() []string { return fakesdk.ModelNames(Models(), modelName) }

// LookupModel is the built-in model called name; the error lists the known
// ones.
func LookupModel(name string) (Model, error) { return fakesdk.LookupModel(Models(), modelName, name) }

func modelName(m Model) string { return m.Name }
