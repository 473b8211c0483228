package sdk

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

// The mocks keep their state in the process environment and in C statics,
// so these tests set the environment with t.Setenv and do not run in
// parallel; each builds its own copy of the libraries.

// buildMocks compiles both mock libraries into one directory, as a driver
// installs them, and returns the path of librocm_smi64.so.
func buildMocks(t *testing.T, env map[string]string) string {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	rsmi := clibtest.BuildShared(t, "librocm_smi64.so", "testdata/mock_rocm_smi.c")
	dmi := clibtest.BuildShared(t, "libhydmi.so", "testdata/mock_hydmi.c")
	data, err := os.ReadFile(dmi)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(rsmi), "libhydmi.so"), data, 0o755))
	return rsmi
}

// openMocks opens the binding over fresh mocks and initialises it.
func openMocks(t *testing.T, env map[string]string) *Binding {
	t.Helper()
	b, err := Open(buildMocks(t, env))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	require.NoError(t, b.Init())
	t.Cleanup(func() { require.NoError(t, b.Shutdown()) })
	return b
}

func TestBindingReadsEveryDevice(t *testing.T) {
	b := openMocks(t, map[string]string{
		"HYGON_MOCK_DEVICES": "3", "HYGON_MOCK_DEVICE_ID": "6210", "HYGON_MOCK_MEM_MIB": "65536", "HYGON_MOCK_CUS": "120",
	})
	ok, err := b.HasVirtualDevices()
	require.True(t, ok)
	require.NoError(t, err)
	fakesdktest.Want(t, 3)(b.DeviceCount())

	d, err := b.Device(1)
	require.NoError(t, err)
	require.Equal(t, Device{
		Index: 1, UUID: "DCU-0000000000001001", Serial: "MOCK-SN-1", Model: ModelK100AI, PCIDeviceID: 0x6210,
		BusID: "0000:20:00.0", MemoryMiB: 65536, ComputeUnits: 120, NUMANode: 0, CardMinor: 1, RenderMinor: 129,
	}, d)
	require.Equal(t, []string{DevKFD, DevMKFD, "/dev/dri/card1", "/dev/dri/renderD129"}, d.DevicePaths())

	fakesdktest.Want(t, Memory{TotalMiB: 65536, UsedMiB: 3072}, "VRAM, not GTT or visible VRAM")(b.Memory(2))
	fakesdktest.Want(t, 20)(b.Utilization(2))
	healthy, err := b.Healthy(2)
	require.NoError(t, err)
	require.True(t, healthy)

	links, err := b.Links(0)
	require.NoError(t, err)
	require.Equal(t, []Link{
		{Peer: 1, Kind: LinkXGMI, Hops: 1, Score: ScoreXGMI},
		{Peer: 2, Kind: LinkPCIe, Hops: 3, Score: ScorePCIe - 20},
	}, links)
}

func TestBindingMapsStatusesToErrors(t *testing.T) {
	rsmi := buildMocks(t, map[string]string{"HYGON_MOCK_FAIL_INDEX": "1", "HYGON_MOCK_FAIL_CODE": "3"})
	b, err := Open(rsmi)
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()

	_, err = b.DeviceCount()
	require.ErrorIs(t, err, sdkerr.ErrUninitialized, "before Init")
	require.ErrorContains(t, err, "rsmi_num_monitor_devices: RSMI_STATUS_INIT_ERROR (8)")
	require.NoError(t, b.Init())
	defer func() { require.NoError(t, b.Shutdown()) }()

	_, err = b.Device(1)
	require.ErrorContains(t, err, "rsmi_dev_id_get(1): RSMI_STATUS_FILE_ERROR (3)")
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, Error{Lib: LibRSMI, Code: 3, Name: "RSMI_STATUS_FILE_ERROR"}, *e)

	healthy, err := b.Healthy(1)
	require.NoError(t, err, "a failing device is unhealthy, not an error")
	require.False(t, healthy)

	_, err = b.Device(7)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)
	_, err = b.Healthy(7)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "a bad index is the caller's error")
	_, err = b.Memory(-1)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)
}

func TestBindingVirtualDevices(t *testing.T) {
	b := openMocks(t, map[string]string{"HYGON_MOCK_DEVICES": "2", "HYGON_MOCK_MAX_VDEV": "3"})
	fakesdktest.Want(t, 3)(b.MaxVDevices())

	first, err := b.CreateVDevice(0, Capacity{ComputeUnits: 15, MemoryMiB: 2048})
	require.NoError(t, err)
	require.Equal(t, VDevice{ID: 0, Device: 0, Capacity: Capacity{ComputeUnits: 15, MemoryMiB: 2048}}, first)
	second, err := b.CreateVDevice(1, Capacity{ComputeUnits: 30, MemoryMiB: 4096})
	require.NoError(t, err)
	require.Equal(t, VDevice{ID: 3, Device: 1, Capacity: Capacity{ComputeUnits: 30, MemoryMiB: 4096}}, second)

	fakesdktest.Want(t, Capacity{ComputeUnits: 45, MemoryMiB: 32768 - 2048})(b.Remaining(0))
	fakesdktest.Want(t, []VDevice{first, second})(b.VDevices())
	busy, err := b.VDeviceUtilization(3)
	require.NoError(t, err)
	require.Equal(t, 1, busy)

	_, err = b.CreateVDevice(0, Capacity{ComputeUnits: 46, MemoryMiB: 1})
	require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	require.ErrorContains(t, err, "dmiCreateVDevices(0, 46 CUs, 1 MiB): DMI_STATUS_OUT_OF_RESOURCES (11)")
	_, err = b.CreateVDevice(0, Capacity{ComputeUnits: 0, MemoryMiB: 1})
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)
	for range 2 {
		_, err = b.CreateVDevice(0, Capacity{ComputeUnits: 1, MemoryMiB: 1})
		require.NoError(t, err)
	}
	_, err = b.CreateVDevice(0, Capacity{ComputeUnits: 1, MemoryMiB: 1})
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "at most max per card")

	require.NoError(t, b.DestroyVDevice(0))
	err = b.DestroyVDevice(0)
	require.ErrorIs(t, err, sdkerr.ErrNotFound)
	require.ErrorContains(t, err, "dmiDestroySingleVDevice(0): DMI_STATUS_VDEV_NOT_EXIST (15)")
	again, err := b.CreateVDevice(0, Capacity{ComputeUnits: 2, MemoryMiB: 2})
	require.NoError(t, err)
	require.Equal(t, 0, again.ID, "the freed slot is reused")
}

func TestBindingWithoutHydmi(t *testing.T) {
	t.Setenv("HYGON_MOCK_DEVICES", "1")
	rsmi := clibtest.BuildShared(t, "librocm_smi64.so", "testdata/mock_rocm_smi.c")
	b, err := Open(rsmi)
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	require.NoError(t, b.Init())
	defer func() { require.NoError(t, b.Shutdown()) }()

	ok, why := b.HasVirtualDevices()
	require.False(t, ok)
	require.ErrorIs(t, why, sdkerr.ErrNotSupported)
	d, err := b.Device(0)
	require.NoError(t, err)
	require.Equal(t, 60, d.ComputeUnits, "a Z100's CUs from the model table")

	_, err = b.MaxVDevices()
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	_, err = b.Remaining(0)
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	_, err = b.CreateVDevice(0, Capacity{ComputeUnits: 1, MemoryMiB: 1})
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	require.ErrorIs(t, b.DestroyVDevice(0), sdkerr.ErrNotSupported)
	_, err = b.VDevices()
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	_, err = b.VDeviceUtilization(0)
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
}

func TestBindingDMIStatusNotSupported(t *testing.T) {
	b := openMocks(t, map[string]string{"HYGON_MOCK_DMI_FAIL": "14"})
	_, err := b.MaxVDevices()
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	require.ErrorContains(t, err, "dmiGetMaxVDeviceCount: DMI_STATUS_DEVICE_NOT_SUPPORT (14)")
	_, err = b.Device(0)
	require.ErrorContains(t, err, "dmiGetDeviceInfo(0)")
}

// TestDMIDeviceInfoLayout compares the Go struct with the C compiler's
// layout of dmiDeviceInfo.
func TestDMIDeviceInfoLayout(t *testing.T) {
	lib, err := dynlib.Open(clibtest.BuildShared(t, "libhydmi.so", "testdata/mock_hydmi.c"))
	require.NoError(t, err)
	defer func() { require.NoError(t, lib.Close()) }()
	var fns struct {
		Layout func(field int32) uintptr `sym:"mock_dmi_layout"`
	}
	require.NoError(t, lib.Bind(&fns))
	var info dmiDeviceInfo
	want := []uintptr{
		unsafe.Sizeof(info), unsafe.Offsetof(info.ComputeUnitCount), unsafe.Offsetof(info.GlobalMemSize),
		unsafe.Offsetof(info.UsageMemSize), unsafe.Offsetof(info.ContainerID), unsafe.Offsetof(info.DeviceID),
	}
	for field, w := range want {
		require.Equal(t, w, fns.Layout(int32(field)), "field %d", field)
	}
}

func TestOpenNamesTheMissingLibrary(t *testing.T) {
	t.Parallel()
	_, err := Open(filepath.Join(t.TempDir(), "librocm_smi64.so"))
	require.ErrorIs(t, err, dynlib.ErrNotFound)
	require.ErrorContains(t, err, "librocm_smi64.so")
}

// TestFakeAnswersAsTheBinding runs one scenario against the binding over
// the mocks and against a fake of the same shape: the plugin must not be
// able to tell them apart by results or errors.
func TestFakeAnswersAsTheBinding(t *testing.T) {
	b := openMocks(t, map[string]string{"HYGON_MOCK_DEVICES": "2", "HYGON_MOCK_MAX_VDEV": "3"})
	d := ForModel(ModelZ100, "node-a")
	d.Devices, d.MaxVDevices = 2, 3
	f := fakesdktest.Start(t, NewFake, d, FakeOptions{})
	got := scenario(b)
	t.Log(strings.Join(got, "\n"))
	require.Contains(t, got, "error: dmiCreateVDevices(0, 46 CUs, 1 MiB): DMI_STATUS_OUT_OF_RESOURCES (11)", "the scenario reaches the library")
	require.Equal(t, got, scenario(f))
}

// scenario records what lib answers to a series of calls.
func scenario(lib Library) []string {
	var out []string
	record := func(v any, err error) {
		if err != nil {
			out = append(out, "error: "+err.Error())
			return
		}
		out = append(out, fmt.Sprintf("%+v", v))
	}
	create := func(index, cus int, mib uint64) {
		record(lib.CreateVDevice(index, Capacity{ComputeUnits: cus, MemoryMiB: mib}))
	}
	record(lib.DeviceCount())
	record(lib.Device(5))
	record(lib.Healthy(5))
	record(lib.Device(-1))
	record(lib.Memory(-1))
	record(lib.Healthy(-1))
	record(lib.Utilization(1 << 40))
	record(lib.Links(9))
	record(lib.Links(1))
	record(lib.MaxVDevices())
	create(0, 15, 2048)
	create(1, 30, 4096)
	create(0, 46, 1)
	create(0, 0, 1)
	create(9, 1, 1)
	create(-1, 1, 1)
	create(1<<40, 1, 1)
	record(lib.Remaining(0))
	record(lib.Remaining(7))
	record(lib.VDevices())
	record(nil, lib.DestroyVDevice(0))
	record(nil, lib.DestroyVDevice(0))
	record(lib.VDeviceUtilization(0))
	record(lib.VDeviceUtilization(1 << 40))
	record(nil, lib.DestroyVDevice(-5))
	record(nil, lib.DestroyVDevice(1<<40))
	record(lib.Remaining(-1))
	record(lib.Remaining(1 << 40))
	for range 3 {
		create(1, 1, 1)
	}
	record(lib.VDevices())
	return out
}

func TestBindingUnknownModel(t *testing.T) {
	t.Setenv("HYGON_MOCK_DEVICE_ID", "1234")
	rsmi := clibtest.BuildShared(t, "librocm_smi64.so", "testdata/mock_rocm_smi.c")
	b, err := Open(rsmi)
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	require.NoError(t, b.Init())
	defer func() { require.NoError(t, b.Shutdown()) }()
	_, err = b.Device(0)
	require.ErrorIs(t, err, sdkerr.ErrNotSupported, "no CU count without libhydmi.so or a known model")
	require.ErrorContains(t, err, "PCI id 1234, not a known model")
	require.Equal(t, "DCU-1234", modelName(0x1234))
}
