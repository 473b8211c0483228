package sdk

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

func TestFakeS4000Server(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "node-a"), FakeOptions{})
	fakesdktest.Want(t, 8, "the model's server size by default")(f.DeviceCount())

	d, err := f.Device(5)
	require.NoError(t, err)
	require.Equal(t, "MTT S4000", d.Name)
	require.Equal(t, 5, d.Minor)
	require.Equal(t, 1, d.NUMANode, "cards 4..7 sit on the second socket")
	require.Equal(t, []string{"/dev/mtgpu.5", "/dev/dri/card5", "/dev/dri/renderD133"}, d.DeviceNodes())
	require.Equal(t, VendorID, d.PCI.VendorID)
	other := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "node-b"), FakeOptions{})
	d2, err := other.Device(5)
	require.NoError(t, err)
	require.NotEqual(t, d.UUID, d2.UUID, "ids are seeded by the node")
	again := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "node-a"), FakeOptions{})
	fakesdktest.Want(t, d, "and stable across restarts")(again.Device(5))

	fakesdktest.Want(t, Memory{TotalMiB: 49152})(f.Memory(0))

	links, err := f.Links(0)
	require.NoError(t, err)
	require.Len(t, links, 7)
	for _, l := range links {
		require.Equal(t, LinkMTLink, l.Kind, "peer %d", l.Peer)
		require.Equal(t, device.ScoreFabric, l.Score)
	}

	types, err := f.VirtTypes(0)
	require.NoError(t, err)
	require.Len(t, types, 7)
	require.Equal(t, VirtType{ID: "mtgpu-2", Name: "S4000-1G", MemoryMiB: 1024, MaxInstances: 16}, types[0])
	require.Equal(t, VirtType{ID: "mtgpu-96", Name: "S4000-48G", MemoryMiB: 49152, MaxInstances: 1}, types[6])
}

func TestFakeTwoServersWorthOfCards(t *testing.T) {
	t.Parallel()
	d := ForModel("MTT S4000", "n")
	d.Devices = 16
	f := fakesdktest.Start(t, NewFake, d, FakeOptions{})
	links, err := f.Links(0)
	require.NoError(t, err)
	require.Len(t, links, 15)
	require.Equal(t, LinkMTLink, links[6].Kind, "card 7 is in card 0's MTLink group")
	require.Equal(t, Link{Peer: 8, Kind: LinkSystem, Score: device.ScoreSystem}, links[7], "card 8 is not")
	links, err = f.Links(8)
	require.NoError(t, err)
	require.Equal(t, Link{Peer: 0, Kind: LinkSystem, Score: device.ScoreSystem}, links[0])
}

func TestFakeSGPUAccounting(t *testing.T) {
	t.Parallel()
	type attach struct {
		device, units, cores int
		want                 error
		message              string
	}
	cases := map[string][]attach{
		"a whole card then nothing": {
			{units: 96, cores: 16},
			{units: 2, want: sdkerr.ErrInsufficient, message: "0 of 96 memory units free, 2 asked"},
		},
		"only the listed sizes": {
			{units: 3, want: sdkerr.ErrInvalidArgument, message: "use one of [2 4 8 16 32 64 96]"},
			{units: 128, want: sdkerr.ErrInvalidArgument},
		},
		"core groups add up to 16": {
			{units: 2, cores: 10},
			{units: 2, cores: 7, want: sdkerr.ErrInsufficient, message: "6 of 16 core groups free, 7 asked"},
			{units: 2, cores: 6},
			{units: 2, cores: 17, want: sdkerr.ErrInvalidArgument, message: "use 0..16"},
		},
		"devices are accounted apart": {
			{device: 0, units: 64},
			{device: 1, units: 64},
			{device: 0, units: 32},
			{device: 0, units: 2, want: sdkerr.ErrInsufficient},
		},
		"no such device": {
			{device: 8, units: 2, want: sdkerr.ErrInvalidArgument, message: "mtmlLibraryInitDeviceByIndex(8)"},
		},
		"an unhealthy device makes none": {
			{device: 3, units: 2, want: sdkerr.ErrFailure, message: "sgpuAttach(3): MTML_ERROR_DRIVER_FAILURE (2)"},
		},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := ForModel("MTT S4000", "n")
			d.Unhealthy = []int{3}
			f := fakesdktest.Start(t, NewFake, d, FakeOptions{})
			for i, s := range steps {
				_, err := f.Attach(s.device, s.units, s.cores)
				if s.want == nil {
					require.NoError(t, err, "step %d", i)
					continue
				}
				require.ErrorIs(t, err, s.want, "step %d", i)
				require.ErrorContains(t, err, s.message, "step %d", i)
			}
		})
	}
}

func TestFakeAtMostOneSGPUPerCoreGroup(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "n"), FakeOptions{})
	for range MaxActivePerDevice {
		_, err := f.Attach(0, 2, 0)
		require.NoError(t, err)
	}
	_, err := f.Attach(0, 2, 0)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	require.ErrorContains(t, err, "16 sGPUs already")
	fakesdktest.Want(t, 16)(f.ActiveVirtDevices(0))
}

func TestFakeSGPUsSurviveARestart(t *testing.T) {
	t.Parallel()
	opts := FakeOptions{StatePath: filepath.Join(t.TempDir(), "state.json")}
	f := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "n"), opts)
	a, err := f.Attach(2, 32, 8)
	require.NoError(t, err)
	b, err := f.Attach(2, 16, 4)
	require.NoError(t, err)
	require.NotEqual(t, a.ID, b.ID)
	require.Equal(t, uint64(16384), a.MemoryMiB())

	restarted := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "n"), opts)
	require.Equal(t, []SGPU{a, b}, restarted.SGPUs(2))
	active, err := restarted.ActiveVirtDevices(2)
	require.NoError(t, err)
	require.Equal(t, 2, active)
	_, err = restarted.Attach(2, 64, 0)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "the restarted driver still accounts the old sGPUs")

	require.NoError(t, restarted.Detach(a.ID))
	require.ErrorIs(t, restarted.Detach(a.ID), sdkerr.ErrNotFound)
	again := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "n"), opts)
	require.Equal(t, []SGPU{b}, again.SGPUs(2))
	c, err := again.Attach(2, 64, 0)
	require.NoError(t, err)
	require.NotEqual(t, a.ID, c.ID, "ids are never reused")
}

func TestFakeHealth(t *testing.T) {
	t.Parallel()
	d := ForModel("MTT S4000", "n")
	d.Unhealthy = []int{3}
	f := fakesdktest.Start(t, NewFake, d, FakeOptions{})
	ok, err := f.Healthy(3)
	require.NoError(t, err)
	require.False(t, ok)
	_, err = f.Utilization(3)
	require.ErrorIs(t, err, sdkerr.ErrFailure)
	require.EqualError(t, err, "mtmlGpuGetUtilization(3): MTML_ERROR_DRIVER_FAILURE (2): library failure")
	_, err = f.Memory(3)
	require.ErrorIs(t, err, sdkerr.ErrFailure)

	require.NoError(t, f.SetHealthy(3, true))
	require.NoError(t, f.SetHealthy(0, false))
	ok, err = f.Healthy(3)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = f.Healthy(0)
	require.NoError(t, err)
	require.False(t, ok)
	require.ErrorIs(t, f.SetHealthy(8, true), sdkerr.ErrInvalidArgument)
}

func TestFakeErrorsMatchTheBinding(t *testing.T) {
	t.Parallel()
	f, err := NewFake(ForModel("MTT S4000", "n"), FakeOptions{})
	require.NoError(t, err)
	fakesdktest.CheckGuard(t, f, fakesdktest.Guard{
		Call:    func(i int) error { _, err := f.Device(i); return err },
		Unknown: 8, UnknownErr: sdkerr.ErrInvalidArgument, UnknownText: "mtmlLibraryInitDeviceByIndex(8): MTML_ERROR_INVALID_ARGUMENT (3): invalid argument",
	})
	_, err = f.VirtTypes(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
	require.NoError(t, f.Init())
	_, err = f.Links(-1)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)
}

func TestFakeMakesDeviceFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d := ForModel("MTT S4000", "n")
	d.Devices = 2
	fakesdktest.Start(t, NewFake, d, FakeOptions{DevRoot: root})
	for _, p := range []string{"dev/mtgpu.0", "dev/mtgpu.1", "dev/dri/card1", "dev/dri/renderD128", "dev/dri/renderD129"} {
		_, err := os.Stat(filepath.Join(root, p))
		require.NoError(t, err, p)
	}
	fakesdktest.Start(t, NewFake, d, FakeOptions{DevRoot: root}) // a restart finds them there
}

func TestSGPUSizes(t *testing.T) {
	t.Parallel()
	for _, u := range MemoryUnits() {
		require.NoError(t, ValidateMemoryUnits(u))
	}
	for _, u := range []int{0, 1, 3, 6, 12, 48, 97, -2} {
		require.ErrorIs(t, ValidateMemoryUnits(u), sdkerr.ErrInvalidArgument, "%d", u)
	}
	require.NoError(t, ValidateCoreGroups(0))
	require.NoError(t, ValidateCoreGroups(16))
	require.ErrorIs(t, ValidateCoreGroups(-1), sdkerr.ErrInvalidArgument)
}

func TestFakeConcurrentAttachesNeverOvercommit(t *testing.T) {
	t.Parallel()
	opts := FakeOptions{StatePath: filepath.Join(t.TempDir(), "state.json")}
	f := fakesdktest.Start(t, NewFake, ForModel("MTT S4000", "n"), opts)
	var wg sync.WaitGroup
	errs := make([]error, 32)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.Attach(0, 8, 1) })
	}
	wg.Wait()
	made := 0
	for _, err := range errs {
		if err == nil {
			made++
			continue
		}
		require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	}
	require.Equal(t, 12, made, "96 units hold twelve 8-unit slices, however the calls interleave")
	require.Len(t, f.SGPUs(0), 12)
}
