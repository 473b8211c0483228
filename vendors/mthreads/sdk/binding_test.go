package sdk

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

// mockControls are the mock's test-only exports.
type mockControls struct {
	Configure   func(count uint32, call string, index, code int32, active uint32) `sym:"mockMtmlConfigure"`
	Outstanding func() int32                                                      `sym:"mockMtmlOutstanding"`
	Sizes       func(pci, spec, virt *uint32)                                     `sym:"mockMtmlSizes"`
}

// mockConfig is one test's mock: its devices and an injected failure.
type mockConfig struct {
	devices  uint32
	failCall string
	failAt   int32 // device index; -1 = every device
	failCode Return
	active   uint32
	source   string
	sysRoot  string
}

// openMock builds a private copy of the mock (so parallel tests do not
// share its state), configures it and returns an initialised Binding.
func openMock(t *testing.T, cfg mockConfig) (*Binding, *mockControls) {
	t.Helper()
	if cfg.source == "" {
		cfg.source = "testdata/mock_mtml.c"
	}
	path := clibtest.BuildShared(t, "libmtml.so", cfg.source)
	ctl := controls(t, path)
	ctl.Configure(cfg.devices, cfg.failCall, cfg.failAt, int32(cfg.failCode), cfg.active)
	var opts []Option
	if cfg.sysRoot != "" {
		opts = append(opts, WithSysRoot(cfg.sysRoot))
	}
	b, err := Open(path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b, ctl
}

func controls(t *testing.T, path string) *mockControls {
	t.Helper()
	lib, err := dynlib.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, lib.Close()) })
	var ctl mockControls
	require.NoError(t, lib.Bind(&ctl))
	return &ctl
}

func TestLayoutsMatchTheHeader(t *testing.T) {
	t.Parallel()
	ctl := controls(t, clibtest.BuildShared(t, "libmtml.so", "testdata/mock_mtml.c"))
	var pci, spec, virt uint32
	ctl.Sizes(&pci, &spec, &virt)
	require.Equal(t, uintptr(pci), unsafe.Sizeof(pciInfo{}), "MtmlPciInfo")
	require.Equal(t, uintptr(spec), unsafe.Sizeof(mtLinkSpec{}), "MtmlMtLinkSpec")
	require.Equal(t, uintptr(virt), unsafe.Sizeof(virtType{}), "MtmlVirtType")
}

func TestBindingReportsTheDevices(t *testing.T) {
	t.Parallel()
	sys := t.TempDir()
	pciDir := filepath.Join(sys, "bus", "pci", "devices", "0000:11:00.0")
	require.NoError(t, os.MkdirAll(filepath.Join(pciDir, "drm", "card2"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(pciDir, "drm", "renderD130"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(pciDir, "numa_node"), []byte("1\n"), 0o644))
	b, ctl := openMock(t, mockConfig{devices: 4, failAt: -1, active: 3, sysRoot: sys})
	require.NoError(t, b.Init())

	fakesdktest.Want(t, 4)(b.DeviceCount())

	d, err := b.Device(1)
	require.NoError(t, err)
	require.Equal(t, Device{
		Index: 1, UUID: "2a1e3f40-0000-4000-8000-000000000001", Name: "MTT S4000", Serial: "MT-SN-0001",
		Minor: 1, DRMCard: 2, DRMRender: 130, NUMANode: 1,
		PCI: PCI{BusID: "0000:11:00.0", DeviceID: 0x0327, VendorID: VendorID},
	}, d)
	require.Equal(t, []string{"/dev/mtgpu.1", "/dev/dri/card2", "/dev/dri/renderD130"}, d.DeviceNodes())

	d, err = b.Device(0)
	require.NoError(t, err)
	require.Equal(t, -1, d.NUMANode, "no sysfs entry: unknown")
	require.Equal(t, []string{"/dev/mtgpu.0"}, d.DeviceNodes(), "DRM numbers are never guessed")

	fakesdktest.Want(t, Memory{TotalMiB: 49152, UsedMiB: 3072})(b.Memory(2))

	fakesdktest.Want(t, 30)(b.Utilization(3))
	healthy, err := b.Healthy(3)
	require.NoError(t, err)
	require.True(t, healthy)

	fakesdktest.Want(t, 3)(b.ActiveVirtDevices(0))
	require.Zero(t, ctl.Outstanding(), "every MtmlGpu and MtmlMemory is freed")
	require.NoError(t, b.Shutdown())
	require.NoError(t, b.Shutdown(), "a second shutdown is a no-op")
}

func TestBindingLinks(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, mockConfig{devices: 4, failAt: -1})
	require.NoError(t, b.Init())
	links, err := b.Links(0)
	require.NoError(t, err)
	require.Equal(t, []Link{
		{Peer: 1, Kind: LinkMTLink, Score: device.ScoreFabric, MTLinks: 1},
		{Peer: 2, Kind: LinkHostBridge, Score: device.ScoreHostBridge},
		{Peer: 3, Kind: LinkMTLink, Score: device.ScoreFabric, MTLinks: 1},
	}, links)

	b, _ = openMock(t, mockConfig{devices: 2, failAt: -1})
	require.NoError(t, b.Init())
	links, err = b.Links(1)
	require.NoError(t, err)
	require.Equal(t, []Link{{Peer: 0, Kind: LinkMTLink, Score: device.ScoreFabric, MTLinks: 2}}, links,
		"both up ports of a two-card ring reach the same peer")
}

func TestBindingVirtTypes(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, mockConfig{devices: 1, failAt: -1})
	require.NoError(t, b.Init())
	types, err := b.VirtTypes(0)
	require.NoError(t, err)
	require.Len(t, types, len(MemoryUnits()))
	require.Equal(t, VirtType{ID: "mtgpu-2", Name: "S4000-1G", MemoryMiB: 1024, MaxInstances: 16}, types[0])
	require.Equal(t, VirtType{ID: "mtgpu-96", Name: "S4000-48G", MemoryMiB: 49152, MaxInstances: 1}, types[6])
}

func TestBindingWithoutOptionalCalls(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, mockConfig{devices: 4, failAt: -1, source: "testdata/mock_mtml_old.c"})
	require.Nil(t, b.fns.GetSerial)
	require.Nil(t, b.fns.GetMtLinkSpec)
	require.NoError(t, b.Init())
	d, err := b.Device(2)
	require.NoError(t, err)
	require.Empty(t, d.Serial)
	links, err := b.Links(2)
	require.NoError(t, err)
	require.Equal(t, []Link{
		{Peer: 0, Kind: LinkHostBridge, Score: device.ScoreHostBridge},
		{Peer: 1, Kind: LinkMTLink, Score: device.ScoreFabric, MTLinks: 1},
		{Peer: 3, Kind: LinkMTLink, Score: device.ScoreFabric, MTLinks: 1},
	}, links, "ports probed until the driver says there are no more")
}

func TestOpenFailures(t *testing.T) {
	t.Parallel()
	_, err := Open(filepath.Join(t.TempDir(), "libmtml.so"))
	require.ErrorIs(t, err, dynlib.ErrNotFound)

	_, err = Open(clibtest.BuildShared(t, "libmtml.so", "testdata/mock_mtml_broken.c"))
	require.ErrorContains(t, err, "mtmlLibraryCountDevice")
	require.ErrorContains(t, err, "mtmlDeviceCountActiveVirtDevices")
	require.NotContains(t, err.Error(), "mtmlDeviceGetSerialNumber", "optional calls are not required")
}

func TestBindingBeforeInit(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, mockConfig{devices: 1, failAt: -1})
	_, err := b.DeviceCount()
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
	_, err = b.Device(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
}
