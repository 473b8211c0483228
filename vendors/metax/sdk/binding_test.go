package sdk

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

// mockControl is the mock's test-only entry points.
type mockControl struct {
	Configure func(spec string) int32 `sym:"mock_mxsml_configure"`
	Layout    func(what string) int64 `sym:"mock_mxsml_layout"`
}

// openMock builds a private copy of the mock library, configures it with
// spec and opens the real binding on it (not yet initialised).
func openMock(t *testing.T, spec string) (*Binding, mockControl) {
	t.Helper()
	path := clibtest.BuildShared(t, "libmxsml.so", "testdata/mock_mxsml.c")
	ctl := mockControlOf(t, path)
	require.Zero(t, ctl.Configure(spec), "configure mock with %q", spec)
	b, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Shutdown()) })
	return b, ctl
}

func mockControlOf(t *testing.T, path string) mockControl {
	t.Helper()
	lib, err := dynlib.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, lib.Close()) })
	var ctl mockControl
	require.NoError(t, lib.Bind(&ctl))
	return ctl
}

func initMock(t *testing.T, spec string) *Binding {
	t.Helper()
	b, _ := openMock(t, spec)
	require.NoError(t, b.Init())
	return b
}

func TestBindingLayoutsMatchTheHeader(t *testing.T) {
	t.Parallel()
	_, ctl := openMock(t, "")
	var di cDeviceInfo
	var mi cMemoryInfo
	var si cSgpuInfo
	want := map[string]uintptr{
		"deviceInfo":              unsafe.Sizeof(di),
		"deviceInfo.bdfId":        unsafe.Offsetof(di.BdfID),
		"deviceInfo.gpuId":        unsafe.Offsetof(di.GpuID),
		"deviceInfo.uuid":         unsafe.Offsetof(di.UUID),
		"deviceInfo.deviceName":   unsafe.Offsetof(di.DeviceName),
		"deviceInfo.serial":       unsafe.Offsetof(di.Serial),
		"deviceInfo.numaNode":     unsafe.Offsetof(di.NUMANode),
		"memoryInfo":              unsafe.Sizeof(mi),
		"memoryInfo.vramTotal":    unsafe.Offsetof(mi.VramTotal),
		"memoryInfo.vramUse":      unsafe.Offsetof(mi.VramUse),
		"topology":                unsafe.Sizeof(cTopology{}),
		"metaXLinkInfo":           unsafe.Sizeof(cMetaXLinkInfo{}),
		"sgpuInfo":                unsafe.Sizeof(si),
		"sgpuInfo.computePercent": unsafe.Offsetof(si.ComputePercent),
	}
	for what, goValue := range want {
		require.Equal(t, int64(goValue), ctl.Layout(what), what)
	}
}

func TestBindingReadsDevices(t *testing.T) {
	t.Parallel()
	b := initMock(t, "devices=3,memory_mb=32768,sched=1")
	fakesdktest.Want(t, 3)(b.DeviceCount())

	d, err := b.Device(1)
	require.NoError(t, err)
	require.Equal(t, Device{
		Index: 1, UUID: "GPU-mock-0001", Model: "C500", Serial: "SN000001",
		BusID: "0000:11:00.0", CardMinor: 2, RenderMinor: 130, NUMANode: 0,
	}, d)
	require.Equal(t, []string{"/dev/mxcd", "/dev/dri/card2", "/dev/dri/renderD130"}, d.DeviceFiles())

	fakesdktest.Want(t, Memory{TotalMiB: 32768, UsedMiB: 512}, "memory is read from the device, in KB")(b.Memory(1))

	fakesdktest.Want(t, 17)(b.Utilization(1))

	healthy, err := b.Health(1)
	require.NoError(t, err)
	require.True(t, healthy)

	on, err := b.SgpuEnabled(1)
	require.NoError(t, err)
	require.True(t, on)

	fakesdktest.Want(t, SchedFixedShare)(b.SchedClass(2))
}

func TestBindingLinksFollowMetaXLinkZones(t *testing.T) {
	t.Parallel()
	b := initMock(t, "devices=8")
	links, err := b.Links(5)
	require.NoError(t, err)
	kinds := map[int]LinkKind{}
	for _, l := range links {
		require.Equal(t, l.Kind.Score(), l.Score)
		kinds[l.Peer] = l.Kind
	}
	require.Equal(t, map[int]LinkKind{
		0: LinkSystem, 1: LinkSystem, 2: LinkSystem, 3: LinkSystem,
		4: LinkMetaXLink, 6: LinkMetaXLink, 7: LinkMetaXLink,
	}, kinds)
}

func TestBindingMapsReturnCodes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		spec     string
		noInit   bool
		call     func(b *Binding) error
		want     error
		code     Return
		contains string
	}{
		"uninitialised": {noInit: true, call: func(b *Binding) error { _, err := b.DeviceCount(); return err },
			want: sdkerr.ErrUninitialized, code: Uninitialized, contains: "mxSmlGetDeviceCount(): MXSML_Uninitialized (8)"},
		"init fails": {spec: "init=1", noInit: true, call: func(b *Binding) error { return b.Init() },
			want: sdkerr.ErrFailure, code: Failure, contains: "mxSmlInit()"},
		"no such device": {call: func(b *Binding) error { _, err := b.Device(5); return err },
			want: sdkerr.ErrNoDevice, code: NoDevice, contains: "mxSmlGetDeviceInfo(5): MXSML_NoDevice (2)"},
		"negative index": {call: func(b *Binding) error { _, err := b.Memory(-1); return err },
			want: sdkerr.ErrInvalidArgument, code: InvalidInput, contains: "mxSmlGetMemoryInfo(-1)"},
		"lost device": {spec: "lost=1", call: func(b *Binding) error { _, err := b.Memory(1); return err },
			want: sdkerr.ErrDeviceLost, code: DeviceLost, contains: "mxSmlGetMemoryInfo(1): MXSML_DeviceLost (11)"},
		"sGPU mode off": {spec: "sgpu_off=0", call: func(b *Binding) error { _, err := b.CreateSgpu(0, 1024, 10); return err },
			want: sdkerr.ErrNotSupported, code: OperationNotSupported, contains: "mxSmlCreateSgpu(0, 1024, 10)"},
		"unknown sGPU": {call: func(b *Binding) error { return b.RemoveSgpu(0, 42) },
			want: sdkerr.ErrNotFound, code: NotFound, contains: "mxSmlRemoveSgpu(0, 42)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, _ := openMock(t, tc.spec)
			if !tc.noInit {
				require.NoError(t, b.Init())
			}
			err := tc.call(b)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.contains)
			var mxErr *Error
			require.ErrorAs(t, err, &mxErr)
			require.Equal(t, tc.code, mxErr.Code)
		})
	}
}

func TestBindingHealthOfALostDevice(t *testing.T) {
	t.Parallel()
	b := initMock(t, "devices=2,lost=1")
	healthy, err := b.Health(1)
	require.NoError(t, err, "a lost device is an answer, not a failure")
	require.False(t, healthy)
	healthy, err = b.Health(0)
	require.NoError(t, err)
	require.True(t, healthy)
	_, err = b.Health(7)
	require.ErrorIs(t, err, sdkerr.ErrNoDevice)
}

func TestBindingSgpusThroughTheABI(t *testing.T) {
	t.Parallel()
	exerciseSgpus(t, initMock(t, "devices=2,memory_mb=32768"), 32768)
}

func TestOpenRefusesAnOldOrMissingLibrary(t *testing.T) {
	t.Parallel()
	_, err := Open(clibtest.BuildShared(t, "libmxsml.so", "testdata/partial_mxsml.c"))
	require.ErrorContains(t, err, "mxSmlGetDeviceCount")
	require.ErrorContains(t, err, "mxSmlGetDeviceSchedClass")

	_, err = Open("/nonexistent/libmxsml.so")
	require.ErrorIs(t, err, dynlib.ErrNotFound)
	require.Contains(t, DefaultLibraries(), "libmxsml.so")
}
