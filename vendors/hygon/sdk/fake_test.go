package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

func describe(model string, change func(*sdk.Description)) sdk.Description {
	d := sdk.ForModel(model, "node-a")
	if change != nil {
		change(&d)
	}
	return d
}

func TestDescriptionValidate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		change  func(*sdk.Description)
		wantErr string
	}{
		"a whole server":        {},
		"some cards":            {change: func(d *sdk.Description) { d.Devices = 2; d.Unhealthy = []int{1} }},
		"unknown model":         {change: func(d *sdk.Description) { d.Model = "Z200" }, wantErr: `model "Z200": must be one of Z100, K100-AI`},
		"negative devices":      {change: func(d *sdk.Description) { d.Devices = -1 }, wantErr: "devices -1: must be 1..64, or 0 for the model's usual server"},
		"too many devices":      {change: func(d *sdk.Description) { d.Devices = 65 }, wantErr: "devices 65"},
		"unhealthy not a card":  {change: func(d *sdk.Description) { d.Devices = 2; d.Unhealthy = []int{0, 2} }, wantErr: "unhealthy[1] = 2: must be a device index 0..1"},
		"negative max vdevices": {change: func(d *sdk.Description) { d.MaxVDevices = -1 }, wantErr: "maxVDevices -1: must be 0 (default 4) to 60"},
		"more vdevices than CU": {change: func(d *sdk.Description) { d.MaxVDevices = 61 }, wantErr: "maxVDevices 61"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := describe(sdk.ModelZ100, tc.change)
			err := d.Validate()
			if !fakesdktest.CheckErr(t, err, tc.wantErr) {
				return
			}
		})
	}
}

func TestDescriptionDefaults(t *testing.T) {
	t.Parallel()
	d := sdk.ForModel(sdk.ModelK100AI, "n")
	require.Equal(t, 8, d.DeviceCount())
	require.Equal(t, sdk.DefaultMaxVDevices, d.VDevicesPerCard())
}

func TestLoadDescription(t *testing.T) {
	t.Parallel()
	d, err := sdk.LoadDescription("testdata/fake-k100ai.yaml")
	require.NoError(t, err)
	require.Equal(t, sdk.Description{
		System: fakesdk.System{
			APIVersion: sdk.FakeAPIVersion, Kind: "FakeSystem", Model: sdk.ModelK100AI, Devices: 4, Seed: "node-a",
			Unhealthy: []int{3},
		},
		MaxVDevices: 2,
	}, d)

	fakesdktest.RunLoad(t, sdk.LoadDescription, map[string]fakesdktest.LoadCase[sdk.Description]{
		"unknown field":  {Body: "apiVersion: fake.hygon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\ncards: 2\n", WantErr: "cards"},
		"other vendor":   {Body: "apiVersion: fake.cambricon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\n", WantErr: "want apiVersion fake.hygon.hami.io/v1"},
		"invalid fields": {Body: "apiVersion: fake.hygon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\ndevices: -2\n", WantErr: "devices -2"},
	})
}

func TestFakeModels(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		model     string
		pciID     uint16
		memoryMiB uint64
		cus       int
		// links from card 0 to cards 1, 2 and 7.
		links []sdk.Link
	}{
		"Z100: XGMI pairs, PCIe between them": {
			model: sdk.ModelZ100, pciID: 0x54b7, memoryMiB: 32768, cus: 60,
			links: []sdk.Link{
				{Peer: 1, Kind: sdk.LinkXGMI, Hops: 1, Score: 100},
				{Peer: 2, Kind: sdk.LinkPCIe, Hops: 2, Score: 40},
				{Peer: 7, Kind: sdk.LinkPCIe, Hops: 3, Score: 30},
			},
		},
		"K100-AI: one XGMI hive": {
			model: sdk.ModelK100AI, pciID: 0x6210, memoryMiB: 65536, cus: 120,
			links: []sdk.Link{
				{Peer: 1, Kind: sdk.LinkXGMI, Hops: 1, Score: 100},
				{Peer: 2, Kind: sdk.LinkXGMI, Hops: 1, Score: 100},
				{Peer: 7, Kind: sdk.LinkXGMI, Hops: 1, Score: 100},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := fakesdktest.Start(t, sdk.NewFake, describe(tc.model, nil), sdk.FakeOptions{})
			fakesdktest.Want(t, 8)(f.DeviceCount())
			d, err := f.Device(5)
			require.NoError(t, err)
			require.Equal(t, tc.model, d.Model)
			require.Equal(t, tc.pciID, d.PCIDeviceID)
			require.Equal(t, tc.memoryMiB, d.MemoryMiB)
			require.Equal(t, tc.cus, d.ComputeUnits)
			require.Equal(t, 1, d.NUMANode)
			require.Equal(t, []string{"/dev/kfd", "/dev/mkfd", "/dev/dri/card5", "/dev/dri/renderD133"}, d.DevicePaths())
			require.Regexp(t, `^DCU-[0-9a-f-]{36}$`, d.UUID)
			links, err := f.Links(0)
			require.NoError(t, err)
			require.Len(t, links, 7)
			require.Equal(t, tc.links, []sdk.Link{links[0], links[1], links[6]})
		})
	}
}

func TestFakeIdentityIsStablePerSeed(t *testing.T) {
	t.Parallel()
	a := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, nil), sdk.FakeOptions{})
	b := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, nil), sdk.FakeOptions{})
	c := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, func(d *sdk.Description) { d.Seed = "node-b" }), sdk.FakeOptions{})
	da, _ := a.Device(0)
	db, _ := b.Device(0)
	dc, _ := c.Device(0)
	fakesdktest.CheckStableIdentity(t, da, db, dc, func(d sdk.Device) []string { return []string{d.UUID, d.Serial} })
}

func TestModels(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{sdk.ModelZ100, sdk.ModelK100AI}, sdk.ModelNames())
	m, ok := sdk.ModelByPCIID(0x6210)
	require.True(t, ok)
	require.Equal(t, sdk.ModelK100AI, m.Name)
	_, ok = sdk.ModelByPCIID(0x1234)
	require.False(t, ok)
	_, ok = sdk.ModelByName("K100")
	require.False(t, ok)
}
