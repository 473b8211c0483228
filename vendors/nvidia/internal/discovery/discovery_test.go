package discovery_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
)

func TestDiscoverOnMocks(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		model     string
		memoryMiB int64
		smallest  string
	}{
		"dgxa100": {memoryMiB: 0, smallest: ""},
		"dgxh100": {model: "NVIDIA H100 80GB HBM3", memoryMiB: 81920, smallest: "1g.10gb"},
		"dgxh200": {memoryMiB: 0, smallest: ""},
		"dgxb200": {memoryMiB: 0, smallest: ""},
	}
	for system, tc := range tests {
		t.Run(system, func(t *testing.T) {
			t.Parallel()
			s, err := fake.New(fake.ForSystem(system, "n1"))
			require.NoError(t, err)
			gpus, err := discovery.Discover(s)
			require.NoError(t, err)
			require.Len(t, gpus, 8)
			g := gpus[5]
			require.Equal(t, 5, g.Index)
			require.Equal(t, 1, g.NUMA, "GPUs 4..7 are on the second NUMA node")
			require.True(t, g.MIGCapable)
			require.False(t, g.MIGEnabled)
			require.Len(t, g.Links, 7, "NVSwitch links every pair")
			require.Equal(t, device.ScoreFabric, g.Links[gpus[0].UUID])
			require.NotEmpty(t, g.Profiles)
			if tc.model != "" {
				require.Equal(t, tc.model, g.Model)
				require.Equal(t, tc.memoryMiB, g.MemoryMiB)
				require.Equal(t, tc.smallest, g.Profiles[0].Name)
			}
			again, err := fake.New(fake.ForSystem(system, "n1"))
			require.NoError(t, err)
			g2, err := discovery.Discover(again)
			require.NoError(t, err)
			require.Equal(t, g.UUID, g2[5].UUID, "UUIDs are stable for a node")
		})
	}
}

func TestH100Profiles(t *testing.T) {
	t.Parallel()
	s, err := fake.New(fake.ForSystem("dgxh100", "n1"))
	require.NoError(t, err)
	gpus, err := discovery.Discover(s)
	require.NoError(t, err)
	var names []string
	for _, p := range gpus[0].Profiles {
		names = append(names, p.Name)
	}
	require.Equal(t, []string{"1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"}, names)
	require.Equal(t, int32(7), gpus[0].Slices)
	p3 := gpus[0].Profiles[3]
	require.Equal(t, int32(42), p3.Cores)
	require.Equal(t, int32(2), p3.MaxCount)
	require.Equal(t, []int32{0, 4}, p3.Placements)
}
