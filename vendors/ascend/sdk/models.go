package sdk

import (
	"slices"
	"strings"

	"github.com/hami-project/hami/common/fakesdk"
)

// Model is what one Ascend model offers per die.
type Model struct {
	Name string
	// ChipName is what dcmi_get_device_chip_info reports.
	ChipName string
	// MemoryMiB is the memory a die reports as total (usable).
	MemoryMiB uint64
	// PhysicalMiB is the memory vNPU templates are cut from; it exceeds
	// MemoryMiB where the driver keeps some for itself (310P3).
	PhysicalMiB uint64
	AICores     int
	// HBM says the memory is HBM (dcmi_get_device_hbm_info) rather than
	// DDR (dcmi_get_device_memory_info_v3).
	HBM bool
	// DiesPerCard is how many devices one card carries (2 on 910C).
	DiesPerCard int
	// ServerDevices is the usual number of devices in one server.
	ServerDevices int
	// HCCSGroup is how many devices share one HCCS group; 0 means PCIe.
	HCCSGroup int
	Templates []Template
}

// Models are the Ascend models HAMi knows, by name. A function so no
// mutable table is shared; callers may change what they get.
//
// 910C: public material gives 128 GB per two-die card; this project takes
// 65536 MiB and 24 AI cores per die, with the 24-core 910B templates
// (vir03_1c_8g, vir06_1c_16g, vir12_3c_32g).
func Models() map[string]Model {
	return map[string]Model{
		"910A": {
			Name: "910A", ChipName: "910A", MemoryMiB: 32768, PhysicalMiB: 32768, AICores: 30,
			HBM: true, DiesPerCard: 1, ServerDevices: 8, HCCSGroup: 4,
			Templates: []Template{{"vir02", 2184, 2}, {"vir04", 4369, 4}, {"vir08", 8738, 8}, {"vir16", 17476, 16}},
		},
		"910B3": {
			Name: "910B3", ChipName: "910B3", MemoryMiB: 65536, PhysicalMiB: 65536, AICores: 20,
			HBM: true, DiesPerCard: 1, ServerDevices: 8, HCCSGroup: 4,
			Templates: []Template{{"vir05_1c_16g", 16384, 5}, {"vir10_3c_32g", 32768, 10}},
		},
		"910B4": {
			Name: "910B4", ChipName: "910B4", MemoryMiB: 32768, PhysicalMiB: 32768, AICores: 20,
			HBM: true, DiesPerCard: 1, ServerDevices: 8, HCCSGroup: 4,
			Templates: []Template{{"vir05_1c_8g", 8192, 5}, {"vir10_3c_16g", 16384, 10}},
		},
		// 910B4-1 is a 910B4 with 64 GB: it needs the 16g/32g templates,
		// not 910B4's (a table other implementations copied wrong).
		"910B4-1": {
			Name: "910B4-1", ChipName: "910B4-1", MemoryMiB: 65536, PhysicalMiB: 65536, AICores: 20,
			HBM: true, DiesPerCard: 1, ServerDevices: 8, HCCSGroup: 4,
			Templates: []Template{{"vir05_1c_16g", 16384, 5}, {"vir10_3c_32g", 32768, 10}},
		},
		"310P3": {
			Name: "310P3", ChipName: "310P3", MemoryMiB: 21527, PhysicalMiB: 24576, AICores: 8,
			DiesPerCard: 1, ServerDevices: 8,
			Templates: []Template{{"vir01", 3072, 1}, {"vir02", 6144, 2}, {"vir04", 12288, 4}},
		},
		"910C": {
			Name: "910C", ChipName: "910C", MemoryMiB: 65536, PhysicalMiB: 65536, AICores: 24,
			HBM: true, DiesPerCard: 2, ServerDevices: 16, HCCSGroup: 16,
			Templates: []Template{{"vir03_1c_8g", 8192, 3}, {"vir06_1c_16g", 16384, 6}, {"vir12_3c_32g", 32768, 12}},
		},
	}
}

// ModelNames are the known model names, sorted.
func ModelNames() []string {
	names := make([]string, 0, 8)
	for n := range Models() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// LookupModel is the model called name; the error lists the known ones.
func LookupModel(name string) (Model, error) {
	if _, err := fakesdk.LookupModel(ModelNames(), func(n string) string { return n }, name); err != nil {
		return Model{}, err
	}
	return Models()[name], nil
}

// ResolveModel names the model of a die from what DCMI reports: its chip
// name and total memory. A 910B4 reporting more than 32 GB is a 910B4-1
// (the driver may call both "910B4"); a 910 die of the 910_93 family is a
// 910C. ok is false for a chip we have no table for.
func ResolveModel(chipName string, totalMiB uint64) (Model, bool) {
	models := Models()
	name := strings.TrimPrefix(strings.TrimSpace(chipName), "Ascend")
	switch {
	case name == "910B4" && totalMiB > models["910B4"].MemoryMiB:
		name = "910B4-1"
	case strings.HasPrefix(name, "910_93"):
		name = "910C"
	}
	m, ok := models[name]
	return m, ok
}

// Template finds a template of the model by name.
func (m Model) Template(name string) (Template, bool) {
	i := slices.IndexFunc(m.Templates, func(t Template) bool { return t.Name == name })
	if i < 0 {
		return Template{}, false
	}
	return m.Templates[i], true
}

// Links of physical device phy among peers (index -> physical id): HCCS
// to the other die of its card (best), HCCS to the devices of its group
// (devices phy/HCCSGroup share one), PCIe to the rest. Exported so the binding and the fake report the same topology.
func (m Model) Links(phy uint32, peers map[int]uint32) []Link {
	out := make([]Link, 0, len(peers))
	for idx, p := range peers {
		if p == phy {
			continue
		}
		l := Link{Peer: idx, Kind: LinkPCIe, Score: 10}
		switch {
		case m.DiesPerCard > 1 && p/uint32(m.DiesPerCard) == phy/uint32(m.DiesPerCard):
			// The two dies of one 910C card: the pair a request is counted in.
			l = Link{Peer: idx, Kind: LinkHCCS, Score: 200}
		case m.HCCSGroup > 0 && p/uint32(m.HCCSGroup) == phy/uint32(m.HCCSGroup):
			l = Link{Peer: idx, Kind: LinkHCCS, Score: 100}
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b Link) int { return a.Peer - b.Peer })
	return out
}
