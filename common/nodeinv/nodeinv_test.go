package nodeinv_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/nodeinv"
)

func TestBuildAppliesNodeConfig(t *testing.T) {
	t.Parallel()
	devs := []device.Device{
		{ID: "a", Index: 0, Type: "MLU370-X8", Modes: []string{"hami-core"}, MemoryMiB: 1000, Cores: 100, Links: map[string]int32{"b": 10, "c": 5}},
		{ID: "b", Index: 1, Type: "MLU370-X8", Modes: []string{"hami-core"}, MemoryMiB: 1000, Cores: 100, SplitCount: 4, Links: map[string]int32{"a": 10}},
		{ID: "c", Index: 2, Type: "MLU370-X8", Modes: []string{"hami-core"}, MemoryMiB: 1000, Cores: 100},
	}
	spec := nodeinv.Spec{
		Node: "n1", Vendor: "cambricon", PluginVersion: "0.1.0", TTLSeconds: 30,
		Resources: device.Resources{Count: "cambricon.com/vmlu"},
		Config: config.Node{DeviceSplitCount: 10, DeviceMemoryScaling: 1.5, DeviceCoreScaling: 1,
			Filter: config.DeviceFilter{Indexes: []int{2}}},
	}
	inv := nodeinv.Build(spec, devs, func(id string) bool { return id != "b" })
	inv.PublishedAt = time.Now() // the publisher stamps it
	require.NoError(t, inv.Validate())
	require.Equal(t, "cambricon.n1", inv.Key())
	require.Len(t, inv.Devices, 2, "the filter hides index 2")
	require.Equal(t, int32(10), inv.Devices[0].SplitCount)
	require.Equal(t, int32(4), inv.Devices[1].SplitCount, "the hardware's limit caps the configured split")
	require.True(t, inv.Devices[0].Healthy)
	require.False(t, inv.Devices[1].Healthy)
	require.Equal(t, map[string]int32{"b": 10}, inv.Devices[0].Links, "links to hidden devices are dropped")
	require.Equal(t, 1.5, inv.Scaling.MemoryScaling)
	require.Equal(t, map[string]int32{"b": 10, "c": 5}, devs[0].Links, "the discovered devices are not modified")
}
