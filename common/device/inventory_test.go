package device_test

import (
	"os"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
)

// TestDecodesV1Fixture keeps the first published schema readable: the
// scheduler accepts every inventory version a plugin may still send.
func TestDecodesV1Fixture(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/v1-dgxh100.json")
	require.NoError(t, err)
	inv, err := device.Decode(data)
	require.NoError(t, err)
	require.Equal(t, "nvidia.gpu-node-1", inv.Key())
	require.Len(t, inv.Devices, 2)
	require.Equal(t, int64(81559*3/2), inv.Devices[0].MemoryCapacityMiB(inv.Scaling))
	require.True(t, inv.Devices[0].HasMode(device.ModeMIG))
	require.False(t, inv.Devices[1].Healthy)
	require.Equal(t, int32(900), inv.Devices[1].Links["GPU-0"])
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 4, 81920)
	devicetest.WithMIG(inv, 0)
	data, err := inv.Encode()
	require.NoError(t, err)
	got, err := device.Decode(data)
	require.NoError(t, err)
	require.Equal(t, inv, got)
}

func TestExpired(t *testing.T) {
	t.Parallel()
	inv := devicetest.Node("n1", 1, 1000)
	require.False(t, inv.Expired(inv.PublishedAt.Add(60*time.Second)))
	require.True(t, inv.Expired(inv.PublishedAt.Add(61*time.Second)))
}

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		mutate func(*device.NodeInventory)
		want   string
	}{
		"api version":    {func(i *device.NodeInventory) { i.APIVersion = "v0" }, `apiVersion: Unsupported value: "v0"`},
		"kind":           {func(i *device.NodeInventory) { i.Kind = "" }, `kind: Unsupported value: ""`},
		"node":           {func(i *device.NodeInventory) { i.Node = "Bad_Node" }, `node: Invalid value: "Bad_Node"`},
		"vendor":         {func(i *device.NodeInventory) { i.Vendor = "a.b" }, `vendor: Invalid value: "a.b"`},
		"count resource": {func(i *device.NodeInventory) { i.Resources.Count = "" }, `resources.count: Required value`},
		"alias role":     {func(i *device.NodeInventory) { i.Resources.Aliases = []device.Alias{{Name: "a.io/b", Role: "x"}} }, `resources.aliases[0].role: Unsupported value: "x"`},
		"duplicate name": {func(i *device.NodeInventory) { i.Resources.Cores = i.Resources.Memory }, `resources.cores: Duplicate value`},
		"scaling":        {func(i *device.NodeInventory) { i.Scaling.MemoryScaling = 0 }, `scaling.memoryScaling: Invalid value: 0`},
		"published":      {func(i *device.NodeInventory) { i.PublishedAt = time.Time{} }, `publishedAt: Required value`},
		"ttl":            {func(i *device.NodeInventory) { i.TTLSeconds = 0 }, `ttlSeconds: Invalid value: 0`},
		"device id":      {func(i *device.NodeInventory) { i.Devices[1].ID = "" }, `devices[1].id: Required value`},
		"duplicate id": {func(i *device.NodeInventory) {
			i.Devices[1].ID = i.Devices[0].ID
			i.Devices[0].Links = nil
			i.Devices[1].Links = nil
		}, `devices[1].id: Duplicate value`},
		"duplicate index": {func(i *device.NodeInventory) { i.Devices[1].Index = 0 }, `devices[1].index: Duplicate value: 0`},
		"memory":          {func(i *device.NodeInventory) { i.Devices[0].MemoryMiB = 0 }, `devices[0].memoryMiB: Invalid value: 0: must be positive`},
		"memory unit":     {func(i *device.NodeInventory) { i.Devices[0].MemoryUnitMiB = -1 }, `devices[0].memoryUnitMiB: Invalid value: -1`},
		"cores":           {func(i *device.NodeInventory) { i.Devices[0].Cores = 101 }, `devices[0].cores: Invalid value: 101: must be in 1..100 (100 = whole device)`},
		"split":           {func(i *device.NodeInventory) { i.Devices[0].SplitCount = 0 }, `devices[0].splitCount: Invalid value: 0`},
		"numa":            {func(i *device.NodeInventory) { i.Devices[0].NUMA = -2 }, `devices[0].numa: Invalid value: -2`},
		"modes":           {func(i *device.NodeInventory) { i.Devices[0].Modes = []string{"Turbo Mode"} }, `devices[0].modes[0]: Invalid value: "Turbo Mode": a device mode such as hami-core`},
		"link peer":       {func(i *device.NodeInventory) { i.Devices[0].Links = map[string]int32{"GPU-x": 1} }, `devices[0].links[GPU-x]: Invalid value: "GPU-x": must name another device of this inventory`},
		"profile size":    {func(i *device.NodeInventory) { devicetest.WithMIG(i, 0); i.Devices[0].Profiles[0].Size = 8 }, `devices[0].profiles[0].size: Invalid value: 8`},
		"placement": {func(i *device.NodeInventory) {
			devicetest.WithMIG(i, 0)
			i.Devices[0].Profiles[1].Placements = []int32{6}
		}, `devices[0].profiles[1].placements[0]: Invalid value: 6`},
		"profile mode": {func(i *device.NodeInventory) { devicetest.WithMIG(i, 0); i.Devices[0].Profiles[0].Mode = "mps" }, `devices[0].profiles[0].mode: Invalid value: "mps": must be one of the device's modes`},
		"slices":       {func(i *device.NodeInventory) { devicetest.WithMIG(i, 0); i.Devices[0].Slices = 0 }, `devices[0].slices: Invalid value: 0`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv := devicetest.Node("n1", 2, 1000)
			tc.mutate(inv)
			require.ErrorContains(t, inv.Validate(), tc.want)
		})
	}
}

func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	good, err := devicetest.Node("n1", 1, 1000).Encode()
	require.NoError(t, err)
	tests := map[string]struct{ data, want string }{
		"unknown field": {strings.Replace(string(good), `"node":`, `"nodeName":"x","node":`, 1), `unknown field "nodeName"`},
		"newer schema":  {strings.Replace(string(good), device.APIVersionV1, "inventory.hami.io/v2", 1), `apiVersion "inventory.hami.io/v2" is not supported`},
		"trailing data": {string(good) + `{}`, `unexpected data after the JSON document`},
		"not json":      {`nope`, `decode inventory`},
		"wrong type":    {strings.Replace(string(good), `"ttlSeconds":60`, `"ttlSeconds":"60"`, 1), `field ttlSeconds: cannot use string as int32`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := device.Decode([]byte(tc.data))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func FuzzDecode(f *testing.F) {
	data, _ := os.ReadFile("testdata/v1-dgxh100.json")
	f.Add(data)
	good, _ := devicetest.Node("n1", 2, 1000).Encode()
	f.Add(good)
	f.Add([]byte(`{"apiVersion":"inventory.hami.io/v1","devices":[{"links":{"":-1}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := device.Decode(data)
		if err != nil {
			return
		}
		again, err := inv.Encode()
		require.NoError(t, err)
		_, err = device.Decode(again)
		require.NoError(t, err, "a valid inventory must encode to a valid one")
	})
}

// Decoded inventories share one copy of their vendor and modes: placement
// compares them for every device of every node.
func TestDecodeSharesVendorAndModes(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/v1-dgxh100.json")
	require.NoError(t, err)
	a, err := device.Decode(data)
	require.NoError(t, err)
	b, err := device.Decode(data)
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.NotEmpty(t, a.Devices[0].Modes)
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	require.True(t, same(a.Vendor, b.Vendor), "vendor")
	for i, d := range a.Devices {
		for j, m := range d.Modes {
			require.True(t, same(m, b.Devices[i].Modes[j]), "mode %s", m)
		}
	}
	require.True(t, same(device.Canonical(strings.Clone(device.ModeMIG)), device.ModeMIG))
	require.Equal(t, "custom-mode", device.Canonical(strings.Clone("custom-mode")))
}
