package sdk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

func TestFakeModelsReportTheirOwnMemory(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		devices     int
		wantDevices int
		wantMiB     uint64
	}{
		ModelC500:        {wantDevices: 8, wantMiB: 65536},
		ModelC500With32G: {devices: 2, wantDevices: 2, wantMiB: 32768},
	}
	for model, tc := range cases {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			desc := ForModel(model, "node-a")
			desc.Devices = tc.devices
			f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})
			fakesdktest.Want(t, tc.wantDevices)(f.DeviceCount())
			d, err := f.Device(1)
			require.NoError(t, err)
			require.Equal(t, model, d.Model)
			fakesdktest.Want(t, Memory{TotalMiB: tc.wantMiB})(f.Memory(1))
			exerciseSgpus(t, f, tc.wantMiB)
		})
	}
}

func TestFakeIdentityIsStablePerNode(t *testing.T) {
	t.Parallel()
	device := func(seed string, i int) Device {
		d, err := fakesdktest.Start(t, NewFake, ForModel(ModelC500, seed), FakeOptions{}).Device(i)
		require.NoError(t, err)
		return d
	}
	a := device("node-a", 3)
	require.Equal(t, a, device("node-a", 3), "the same node sees the same ids after a restart")
	require.NotEqual(t, a.UUID, device("node-b", 3).UUID)
	require.NotEqual(t, a.UUID, device("node-a", 2).UUID)
	require.NotEqual(t, a.Serial, device("node-a", 2).Serial)
	require.Regexp(t, `^GPU-[0-9a-f-]{36}$`, a.UUID)
	require.Equal(t, []string{"/dev/mxcd", "/dev/dri/card3", "/dev/dri/renderD131"}, a.DeviceFiles())
	require.Equal(t, 0, a.NUMANode)
	require.Equal(t, 1, device("node-a", 4).NUMANode)
}

func TestFakeLinksFollowMetaXLinkZones(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		devices, index int
		want           map[int]LinkKind
	}{
		"first zone of eight": {devices: 8, index: 1, want: map[int]LinkKind{
			0: LinkMetaXLink, 2: LinkMetaXLink, 3: LinkMetaXLink,
			4: LinkSystem, 5: LinkSystem, 6: LinkSystem, 7: LinkSystem}},
		"short second zone": {devices: 6, index: 5, want: map[int]LinkKind{
			0: LinkSystem, 1: LinkSystem, 2: LinkSystem, 3: LinkSystem, 4: LinkMetaXLink}},
		"single device": {devices: 1, index: 0, want: map[int]LinkKind{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			desc := ForModel(ModelC500, "n")
			desc.Devices = tc.devices
			links, err := fakesdktest.Start(t, NewFake, desc, FakeOptions{}).Links(tc.index)
			require.NoError(t, err)
			got := map[int]LinkKind{}
			for _, l := range links {
				require.Equal(t, l.Kind.Score(), l.Score)
				got[l.Peer] = l.Kind
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestFakeHealthChangesAtRunTime(t *testing.T) {
	t.Parallel()
	desc := ForModel(ModelC500, "n")
	desc.Unhealthy = []int{2}
	f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})
	healthy := func(i int) bool {
		t.Helper()
		ok, err := f.Health(i)
		require.NoError(t, err)
		return ok
	}
	require.False(t, healthy(2))
	require.True(t, healthy(0))
	_, err := f.CreateSgpu(2, 1024, 10)
	require.ErrorIs(t, err, sdkerr.ErrDeviceLost)

	require.NoError(t, f.SetHealthy(2, true))
	require.NoError(t, f.SetHealthy(0, false))
	require.True(t, healthy(2))
	require.False(t, healthy(0))
	_, err = f.Memory(0)
	require.ErrorIs(t, err, sdkerr.ErrDeviceLost)
	require.ErrorContains(t, err, "mxSmlGetMemoryInfo(0): MXSML_DeviceLost (11)")
	require.ErrorIs(t, f.SetHealthy(8, true), sdkerr.ErrNoDevice)
}

func TestFakeSgpusSurviveARestart(t *testing.T) {
	t.Parallel()
	opts := FakeOptions{StatePath: filepath.Join(t.TempDir(), "mxsml-state.json")}
	desc := ForModel(ModelC500, "n")
	first := fakesdktest.Start(t, NewFake, desc, opts)
	a, err := first.CreateSgpu(0, 32768, 40)
	require.NoError(t, err)
	b, err := first.CreateSgpu(0, 16384, 40)
	require.NoError(t, err)
	require.NoError(t, first.RemoveSgpu(0, a.ID))
	require.NoError(t, first.Shutdown())

	again := fakesdktest.Start(t, NewFake, desc, opts)
	ps, err := again.Sgpus(0)
	require.NoError(t, err)
	require.Equal(t, []Partition{b}, ps)
	_, err = again.CreateSgpu(0, 65536-16384+SgpuMemoryStepMiB, 10)
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "the kept sGPU still holds its memory")
	c, err := again.CreateSgpu(0, 1024, 60)
	require.NoError(t, err)
	require.Equal(t, 2, c.ID, "ids continue after a restart")

	_, err = NewFake(desc, FakeOptions{StatePath: filepath.Join(t.TempDir(), "missing", "dir", "state.json")})
	require.NoError(t, err, "a state file not made yet is empty state")
}

func TestFakeMakesTheDriversDeviceFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	desc := ForModel(ModelC500, "n")
	desc.Devices = 2
	fakesdktest.Start(t, NewFake, desc, FakeOptions{DevRoot: root})
	for _, name := range []string{"dev/mxcd", "dev/dri/card0", "dev/dri/card1", "dev/dri/renderD128", "dev/dri/renderD129"} {
		_, err := os.Stat(filepath.Join(root, name))
		require.NoError(t, err, name)
	}
	_, err := os.Stat(filepath.Join(root, "dev/dri/card2"))
	require.True(t, os.IsNotExist(err))
}

func TestFakeRefusesLikeTheDriver(t *testing.T) {
	t.Parallel()
	desc := ForModel(ModelC500, "n")
	desc.SgpuDisabled = []int{3}
	desc.SchedClass = SchedBurstShare
	desc.DeviceSchedClasses = map[int]SchedClass{5: SchedFixedShare}
	cases := map[string]struct {
		noInit bool
		call   func(f *Fake) error
		want   error
		text   string
	}{
		"uninitialised": {noInit: true, call: func(f *Fake) error { _, err := f.DeviceCount(); return err },
			want: sdkerr.ErrUninitialized, text: "mxSmlGetDeviceCount(): MXSML_Uninitialized (8)"},
		"no such device": {call: func(f *Fake) error { _, err := f.Device(8); return err },
			want: sdkerr.ErrNoDevice, text: "mxSmlGetDeviceInfo(8): MXSML_NoDevice (2)"},
		"negative index": {call: func(f *Fake) error { _, err := f.Sgpus(-1); return err },
			want: sdkerr.ErrInvalidArgument, text: "mxSmlGetSgpuCount(-1)"},
		"sGPU mode off": {call: func(f *Fake) error { _, err := f.CreateSgpu(3, 1024, 10); return err },
			want: sdkerr.ErrNotSupported, text: "mxSmlCreateSgpu(3, 1024, 10): MXSML_OperationNotSupported (3)"},
		"unknown sGPU": {call: func(f *Fake) error { return f.SetSgpuComputeQuota(0, 5, 10) },
			want: sdkerr.ErrNotFound, text: "mxSmlSetSgpuComputeQuota(0, 5, 10)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, err := NewFake(desc, FakeOptions{})
			require.NoError(t, err)
			if !tc.noInit {
				require.NoError(t, f.Init())
			}
			err = tc.call(f)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}

	f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})
	on, err := f.SgpuEnabled(3)
	require.NoError(t, err)
	require.False(t, on)
	class, err := f.SchedClass(0)
	require.NoError(t, err)
	require.Equal(t, SchedBurstShare, class)
	class, err = f.SchedClass(5)
	require.NoError(t, err)
	require.Equal(t, SchedFixedShare, class)
	u, err := f.Utilization(0)
	require.NoError(t, err)
	require.Zero(t, u)
}

func TestNewFakeRefusesABadDescription(t *testing.T) {
	t.Parallel()
	_, err := NewFake(Description{System: fakesdk.System{Model: "C999"}}, FakeOptions{})
	require.ErrorContains(t, err, "must be one of "+strings.Join(ModelNames(), ", "))
}
