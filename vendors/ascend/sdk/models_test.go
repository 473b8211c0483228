package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestModelTemplateTables(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		memory, physical uint64
		cores            int
		templates        []Template
	}{
		"910A":  {32768, 32768, 30, []Template{{"vir02", 2184, 2}, {"vir04", 4369, 4}, {"vir08", 8738, 8}, {"vir16", 17476, 16}}},
		"910B3": {65536, 65536, 20, []Template{{"vir05_1c_16g", 16384, 5}, {"vir10_3c_32g", 32768, 10}}},
		"910B4": {32768, 32768, 20, []Template{{"vir05_1c_8g", 8192, 5}, {"vir10_3c_16g", 16384, 10}}},
		// Not 910B4's table: a 910B4-1 has 64 GB.
		"910B4-1": {65536, 65536, 20, []Template{{"vir05_1c_16g", 16384, 5}, {"vir10_3c_32g", 32768, 10}}},
		"310P3":   {21527, 24576, 8, []Template{{"vir01", 3072, 1}, {"vir02", 6144, 2}, {"vir04", 12288, 4}}},
		"910C":    {65536, 65536, 24, []Template{{"vir03_1c_8g", 8192, 3}, {"vir06_1c_16g", 16384, 6}, {"vir12_3c_32g", 32768, 12}}},
	}
	models := Models()
	require.Len(t, models, len(cases))
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := models[name]
			require.Equal(t, tc.memory, m.MemoryMiB)
			require.Equal(t, tc.physical, m.PhysicalMiB)
			require.Equal(t, tc.cores, m.AICores)
			require.Equal(t, tc.templates, m.Templates)
			for _, tp := range m.Templates {
				require.LessOrEqual(t, tp.MemoryMiB, m.PhysicalMiB)
				require.LessOrEqual(t, tp.AICores, m.AICores)
			}
		})
	}
}

func TestResolveModel(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		chip   string
		memory uint64
		want   string
		ok     bool
	}{
		"910B3":                   {"910B3", 65536, "910B3", true},
		"910B4 with 32 GB":        {"910B4", 32768, "910B4", true},
		"910B4 with 64 GB":        {"910B4", 65536, "910B4-1", true},
		"910B4-1 by name":         {"910B4-1", 65536, "910B4-1", true},
		"Ascend prefix":           {"Ascend310P3", 21527, "310P3", true},
		"910_93 family is a 910C": {"910_9392", 65536, "910C", true},
		"unknown":                 {"920X", 1, "", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, ok := ResolveModel(tc.chip, tc.memory)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.want, m.Name)
		})
	}
}

func TestLinksHCCSGroupsAndPCIe(t *testing.T) {
	t.Parallel()
	peers := map[int]uint32{0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7}
	hccs := func(links []Link) []int {
		var out []int
		for _, l := range links {
			if l.Kind == LinkHCCS {
				out = append(out, l.Peer)
			}
		}
		return out
	}
	models := Models()
	require.Equal(t, []int{1, 2, 3}, hccs(models["910A"].Links(0, peers)))
	require.Equal(t, []int{4, 5, 7}, hccs(models["910B3"].Links(6, peers)))
	require.Empty(t, hccs(models["310P3"].Links(0, peers)), "310P3 cards talk over PCIe")
	require.Len(t, models["310P3"].Links(0, peers), 7)
}
