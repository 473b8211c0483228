package sdk_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
	"github.com/hami-project/hami/vendors/iluvatar/sdk"
)

func TestFakeModels(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		devices    int
		wantChips  int
		wantName   string
		wantLinks0 []sdk.Link
	}{
		"BI-V100": {
			devices: 4, wantChips: 4, wantName: "Iluvatar BI-V100",
			wantLinks0: []sdk.Link{{Peer: 1, Kind: sdk.LinkSingle}, {Peer: 2, Kind: sdk.LinkSystem}, {Peer: 3, Kind: sdk.LinkSystem}},
		},
		"BI-V150": {
			wantChips: 16, wantName: "Iluvatar BI-V150",
			wantLinks0: []sdk.Link{
				{Peer: 1, Kind: sdk.LinkBoard}, {Peer: 2, Kind: sdk.LinkSingle}, {Peer: 3, Kind: sdk.LinkSingle},
				{Peer: 4, Kind: sdk.LinkNode}, {Peer: 5, Kind: sdk.LinkNode}, {Peer: 6, Kind: sdk.LinkNode}, {Peer: 7, Kind: sdk.LinkNode},
				{Peer: 8, Kind: sdk.LinkSystem}, {Peer: 9, Kind: sdk.LinkSystem}, {Peer: 10, Kind: sdk.LinkSystem}, {Peer: 11, Kind: sdk.LinkSystem},
				{Peer: 12, Kind: sdk.LinkSystem}, {Peer: 13, Kind: sdk.LinkSystem}, {Peer: 14, Kind: sdk.LinkSystem}, {Peer: 15, Kind: sdk.LinkSystem},
			},
		},
	}
	for model, tc := range cases {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			desc := sdk.ForModel(model, "node-a")
			desc.Devices = tc.devices
			f := fakesdktest.Start(t, sdk.NewFake, desc, sdk.FakeOptions{})
			n, err := f.DeviceCount()
			require.NoError(t, err)
			require.Equal(t, tc.wantChips, n)
			for i := range n {
				dev, err := f.Device(i)
				require.NoError(t, err)
				require.Equal(t, i, dev.Index)
				require.Equal(t, tc.wantName, dev.Name)
				require.Equal(t, model, dev.Chip())
				require.Equal(t, i*2/n, dev.NUMANode, "first half of the chips on NUMA node 0")
				fakesdktest.Want(t, sdk.Memory{TotalMiB: 32768, FreeMiB: 32768})(f.Memory(i))
			}
			fakesdktest.Want(t, tc.wantLinks0)(f.Links(0))
		})
	}
}

func TestFakeBoardChipsAreLinkedBothWays(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("BI-V150", "n"), sdk.FakeOptions{})
	a, err := f.Device(6)
	require.NoError(t, err)
	b, err := f.Device(7)
	require.NoError(t, err)
	require.Equal(t, a.Serial, b.Serial, "the two chips of a board share the board's serial")
	require.NotEqual(t, a.UUID, b.UUID)
	links, err := f.Links(7)
	require.NoError(t, err)
	require.Contains(t, links, sdk.Link{Peer: 6, Kind: sdk.LinkBoard})
	require.Greater(t, sdk.LinkBoard.Score(), sdk.LinkSingle.Score())
}

func TestFakeIdentityIsStablePerSeed(t *testing.T) {
	t.Parallel()
	uuid := func(seed string) string {
		f := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("BI-V100", seed), sdk.FakeOptions{})
		d, err := f.Device(3)
		require.NoError(t, err)
		return d.UUID
	}
	require.Equal(t, uuid("node-a"), uuid("node-a"))
	require.NotEqual(t, uuid("node-a"), uuid("node-b"))
	require.Regexp(t, `^GPU-[0-9a-f]{8}-`, uuid("node-a"))
}

func TestFakeHealth(t *testing.T) {
	t.Parallel()
	desc := sdk.ForModel("BI-V100", "n")
	desc.Unhealthy = []int{2}
	f := fakesdktest.Start(t, sdk.NewFake, desc, sdk.FakeOptions{})
	healthy := func(i int) bool {
		h, err := f.Health(i)
		require.NoError(t, err)
		return h.Healthy()
	}
	require.True(t, healthy(0))
	require.False(t, healthy(2), "listed as unhealthy in the description")

	require.NoError(t, f.SetHealthy(0, false))
	require.NoError(t, f.SetHealthy(2, true))
	require.False(t, healthy(0))
	require.True(t, healthy(2))

	require.NoError(t, f.SetHealthBits(1, sdk.HealthPCIeError|sdk.HealthOverheat))
	h, err := f.Health(1)
	require.NoError(t, err)
	require.Equal(t, "overheat,pcie-error", h.Bits.String())
	require.ErrorIs(t, f.SetHealthy(8, true), sdkerr.ErrInvalidArgument)
}

func TestFakeUsage(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, sdk.ForModel("BI-V100", "n"), sdk.FakeOptions{})
	require.NoError(t, f.SetUsed(1, 1000))
	fakesdktest.Want(t, sdk.Memory{TotalMiB: 32768, UsedMiB: 1000, FreeMiB: 31768})(f.Memory(1))
	require.ErrorIs(t, f.SetUsed(1, 32769), sdkerr.ErrInvalidArgument, "more than the chip has")

	require.NoError(t, f.SetUtilization(1, sdk.Utilization{GPUPercent: 40, MemoryPercent: 5}))
	fakesdktest.Want(t, sdk.Utilization{GPUPercent: 40, MemoryPercent: 5})(f.Utilization(1))
	require.ErrorIs(t, f.SetUtilization(1, sdk.Utilization{GPUPercent: 101}), sdkerr.ErrInvalidArgument)
}

func TestFakeErrors(t *testing.T) {
	t.Parallel()
	f, err := sdk.NewFake(sdk.ForModel("BI-V100", "n"), sdk.FakeOptions{})
	require.NoError(t, err)
	_, err = f.DeviceCount()
	require.ErrorIs(t, err, sdkerr.ErrUninitialized, "before Init")
	_, err = f.Links(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
	require.ErrorIs(t, f.Shutdown(), sdkerr.ErrUninitialized)

	require.NoError(t, f.Init())
	for _, index := range []int{-1, 8} {
		_, err = f.Device(index)
		require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)
		require.ErrorContains(t, err, "ixmlDeviceGetHandleByIndex_v2")
	}
	require.NoError(t, f.Shutdown())
	_, err = f.Health(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized, "after Shutdown")
}

func TestFakeMakesDeviceFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	desc := sdk.ForModel("BI-V150", "n")
	desc.Devices = 2
	fakesdktest.Start(t, sdk.NewFake, desc, sdk.FakeOptions{DevRoot: root})
	for _, name := range []string{"dev/itrctl", "dev/iluvatar0", "dev/iluvatar1"} {
		require.FileExists(t, filepath.Join(root, name))
	}
	require.NoFileExists(t, filepath.Join(root, "dev/iluvatar2"))
}

func TestOpenFake(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fake.yaml")
	body := "apiVersion: fake.iluvatar.hami.io/v1\nkind: FakeSystem\nmodel: BI-V150\ndevices: 4\nseed: node-a\nunhealthy: [3]\n"
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	f, err := sdk.OpenFake(path, sdk.FakeOptions{})
	require.NoError(t, err)
	require.Equal(t, "BI-V150", f.Model().Name)
	require.NoError(t, f.Init())
	fakesdktest.Want(t, 4)(f.DeviceCount())
	h, err := f.Health(3)
	require.NoError(t, err)
	require.False(t, h.Healthy())

	_, err = sdk.OpenFake(filepath.Join(t.TempDir(), "missing.yaml"), sdk.FakeOptions{})
	require.ErrorContains(t, err, "missing.yaml")
}
