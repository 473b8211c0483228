package gpunode_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/nodeinv"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/gpunode"
)

func TestInventoryWithOverrides(t *testing.T) {
	t.Parallel()
	desc := fake.ForSystem("dgxh100", "n1")
	desc.MIGEnabled = []int{7}
	s, err := fake.New(desc)
	require.NoError(t, err)
	gpus, err := discovery.Discover(s)
	require.NoError(t, err)
	split, scale := int32(4), 2.0
	cfg := config.Default()
	cfg.MigStrategy = config.MigStrategyMixed
	cfg.Nodes = []config.NodeOverride{{Name: "n1", DeviceSplitCount: &split, DeviceMemoryScaling: &scale,
		FilterDevices: &config.DeviceFilter{UUIDs: []string{gpus[0].UUID}, Indexes: []int{1}}}}
	nodeCfg := cfg.ForNode("n1")
	n := gpunode.New(s, gpus, gpunode.Options{Config: nodeCfg}, nil)
	spec := nodeinv.Spec{Node: "n1", Vendor: "nvidia", PluginVersion: "0.1.0", Resources: cfg.Vendors["nvidia"], Config: nodeCfg, TTLSeconds: 30}
	inv := nodeinv.Build(spec, n.Devices(), func(uuid string) bool { return uuid != gpus[2].UUID })
	inv.PublishedAt = time.Now()
	require.NoError(t, inv.Validate(), "valid once the publisher stamps it")
	require.Len(t, inv.Devices, 6, "GPUs 0 and 1 are filtered out")
	require.Equal(t, "nvidia.com/gpu", inv.Resources.Count)
	require.Equal(t, 2.0, inv.Scaling.MemoryScaling)
	d := inv.Devices[0]
	require.Equal(t, 2, d.Index)
	require.False(t, d.Healthy)
	require.Equal(t, int32(4), d.SplitCount)
	require.Equal(t, int64(81920), d.MemoryMiB)
	require.NotContains(t, d.Links, gpus[0].UUID, "links only name published peers")
	require.Len(t, d.Links, 5)
	migDev := inv.Devices[5]
	require.Equal(t, []string{device.ModeMIG}, migDev.Modes)
	require.Equal(t, "1g.10gb", migDev.Profiles[0].Name)
	require.Equal(t, []string{device.ModeHAMiCore, device.ModeExclusive}, d.Modes)
}
