package sdk

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

// mockControl are the mock library's test-only calls.
type mockControl struct {
	Configure func(model string, cards int32) int32 `sym:"mock_dcmi_configure"`
	Fail      func(call string, code int32)         `sym:"mock_dcmi_fail"`
	SetHealth func(logic int32, value uint32)       `sym:"mock_dcmi_set_health"`
	Layout    func(what string) int64               `sym:"mock_dcmi_layout"`
}

// openMock builds a private copy of the mock (its own globals), configures
// it as model with cards cards, and opens the binding on it uninitialised.
func openMock(t *testing.T, model string, cards int32, opts ...Option) (*Binding, mockControl) {
	t.Helper()
	path := clibtest.BuildShared(t, "libdcmi.so", "testdata/mock_dcmi.c", "testdata/mock_layout.c")
	ctlLib, err := dynlib.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, ctlLib.Close()) })
	var ctl mockControl
	require.NoError(t, ctlLib.Bind(&ctl))
	require.Equal(t, int32(0), ctl.Configure(model, cards))
	b, err := Open(path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b, ctl
}

func TestBindingLayoutsMatchTheHeader(t *testing.T) {
	t.Parallel()
	_, ctl := openMock(t, "910B3", 1)
	cases := map[string]uintptr{
		"sizeof chip_info":                        unsafe.Sizeof(cChipInfo{}),
		"sizeof die_id":                           unsafe.Sizeof(cDieID{}),
		"sizeof memory_info":                      unsafe.Sizeof(cMemoryInfo{}),
		"offsetof memory_info.hugepagesize":       unsafe.Offsetof(cMemoryInfo{}.HugePageSize),
		"offsetof memory_info.utiliza":            unsafe.Offsetof(cMemoryInfo{}.Utiliza),
		"sizeof hbm_info":                         unsafe.Sizeof(cHBMInfo{}),
		"offsetof hbm_info.memory_usage":          unsafe.Offsetof(cHBMInfo{}.MemoryUsage),
		"sizeof create_vdev_res":                  unsafe.Sizeof(cCreateVDevRes{}),
		"sizeof create_vdev_out":                  unsafe.Sizeof(cCreateVDevOut{}),
		"sizeof base_resource":                    unsafe.Sizeof(cBaseResource{}),
		"sizeof computing_resource":               unsafe.Sizeof(cComputingResource{}),
		"offsetof computing_resource.memory_size": unsafe.Offsetof(cComputingResource{}.MemorySize),
		"sizeof media_resource":                   unsafe.Sizeof(cMediaResource{}),
		"sizeof vdev_query_info":                  unsafe.Sizeof(cVDevQueryInfo{}),
		"offsetof vdev_query_info.base":           unsafe.Offsetof(cVDevQueryInfo{}.Base),
		"sizeof vdev_query":                       unsafe.Sizeof(cVDevQuery{}),
		"offsetof vdev_query.query_info":          unsafe.Offsetof(cVDevQuery{}.QueryInfo),
		"sizeof soc_total_resource":               unsafe.Sizeof(cSocTotalResource{}),
		"offsetof soc_total_resource.base":        unsafe.Offsetof(cSocTotalResource{}.Base),
	}
	for what, goSize := range cases {
		require.Equal(t, int64(goSize), ctl.Layout(what), what)
	}
}

func TestBindingBeforeInit(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "910B3", 1)
	_, err := b.DeviceCount()
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
	_, err = b.Device(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
}

func TestBindingDevices(t *testing.T) {
	t.Parallel()
	b, ctl := openMock(t, "910B3", 8)
	require.NoError(t, b.Init())
	fakesdktest.Want(t, 8)(b.DeviceCount())

	d, err := b.Device(0)
	require.NoError(t, err)
	// The mock lists cards in reverse and numbers physical ids backwards:
	// index 0 is logic 0 on card 1, physical 7.
	require.Equal(t, Device{
		Index: 0, LogicID: 0, PhyID: 7, CardID: 1, DeviceID: 0,
		UUID: "A5000000-A5000001-A5000002-A5000003-A5000004", Model: "910B3",
		ChipType: "Ascend", ChipVersion: "V1", AICores: 20,
	}, d)
	require.Equal(t, "/dev/davinci7", d.DevicePath())
	d3, err := b.Device(3)
	require.NoError(t, err)
	require.Equal(t, "A5000300-A5000301-A5000302-A5000303-A5000304", d3.UUID)
	require.Equal(t, uint32(4), d3.PhyID)

	fakesdktest.Want(t, Memory{TotalMiB: 65536, UsedMiB: 1002})(b.Memory(2))
	fakesdktest.Want(t, 12)(b.Utilization(2))

	h, err := b.Health(5)
	require.NoError(t, err)
	require.True(t, h.Healthy())
	ctl.SetHealth(5, uint32(HealthMajor))
	h, err = b.Health(5)
	require.NoError(t, err)
	require.Equal(t, HealthMajor, h)
	require.False(t, h.Healthy())

	_, err = b.Device(8)
	require.ErrorIs(t, err, sdkerr.ErrNoDevice)
}

func TestBindingNUMANodeFromSysfs(t *testing.T) {
	t.Parallel()
	sysfs := t.TempDir()
	// The mock puts logic id n on PCI bus 0x10+n.
	for bdf, node := range map[string]string{"0000:10:00.0": "1\n", "0000:11:00.0": "-1\n", "0000:12:00.0": "x"} {
		dir := filepath.Join(sysfs, "bus", "pci", "devices", bdf)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "numa_node"), []byte(node), 0o600))
	}
	b, _ := openMock(t, "910B3", 8, WithSysfsRoot(sysfs))
	require.NoError(t, b.Init())
	cases := map[int]int{0: 1, 1: -1, 3: -1}
	for index, want := range cases {
		fakesdktest.Want(t, want, "index %d", index)(b.NUMANode(index))
	}
	_, err := b.NUMANode(2)
	require.ErrorContains(t, err, "numa node")
}

func TestBindingLinksFollowPhysicalHCCSGroups(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "910B3", 8)
	require.NoError(t, b.Init())
	// Index 0 is physical 7: its HCCS group is physical 4-7, indexes 0-3.
	links, err := b.Links(0)
	require.NoError(t, err)
	require.Len(t, links, 7)
	for _, l := range links {
		want := LinkPCIe
		if l.Peer <= 3 {
			want = LinkHCCS
		}
		require.Equal(t, want, l.Kind, "peer %d", l.Peer)
	}
}

func TestBindingMemoryAndModelResolution(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		model     string
		wantModel string
		wantMem   Memory
		templates []string
	}{
		"310P3 reads DDR memory": {model: "310P3", wantModel: "310P3", wantMem: Memory{TotalMiB: 21527, UsedMiB: 1000},
			templates: []string{"vir01", "vir02", "vir04"}},
		"a 910B4 with 64 GB is a 910B4-1 with the 16g/32g templates": {model: "910B4-1", wantModel: "910B4-1",
			wantMem: Memory{TotalMiB: 65536, UsedMiB: 1000}, templates: []string{"vir05_1c_16g", "vir10_3c_32g"}},
		"910C has two dies per card": {model: "910C", wantModel: "910C", wantMem: Memory{TotalMiB: 65536, UsedMiB: 1000},
			templates: []string{"vir03_1c_8g", "vir06_1c_16g", "vir12_3c_32g"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, _ := openMock(t, tc.model, 2)
			require.NoError(t, b.Init())
			d, err := b.Device(0)
			require.NoError(t, err)
			require.Equal(t, tc.wantModel, d.Model)
			fakesdktest.Want(t, tc.wantMem)(b.Memory(0))
			ts, err := b.Templates(0)
			require.NoError(t, err)
			var names []string
			for _, tp := range ts {
				names = append(names, tp.Name)
			}
			require.Equal(t, tc.templates, names)
		})
	}
}

func TestBinding910CCountsDiesInPairs(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "910C", 4)
	require.NoError(t, b.Init())
	fakesdktest.Want(t, 8)(b.DeviceCount())
	d1, err := b.Device(1)
	require.NoError(t, err)
	require.Equal(t, 1, d1.CardID, "dies 0 and 1 share card 1")
	require.Equal(t, 1, d1.DeviceID)
	links, err := b.Links(0)
	require.NoError(t, err)
	require.Equal(t, Link{Peer: 1, Kind: LinkHCCS, Score: 200}, links[0], "the other die of the card ranks first")
}

func TestBindingPartitions(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "910B3", 2)
	require.NoError(t, b.Init())
	p1, err := b.CreatePartition(1, "vir10_3c_32g")
	require.NoError(t, err)
	// Index 1 is physical 0: its vNPU ids start at 100.
	require.Equal(t, Partition{ID: 100, DeviceIndex: 1, Template: "vir10_3c_32g", MemoryMiB: 32768, AICores: 10}, p1)
	require.Equal(t, "/dev/vdavinci100", p1.DevicePath())
	p2, err := b.CreatePartition(1, "vir05_1c_16g")
	require.NoError(t, err)
	require.Equal(t, uint32(101), p2.ID)

	got, err := b.Partitions(1)
	require.NoError(t, err)
	require.Equal(t, []Partition{p1, {ID: 101, DeviceIndex: 1, Template: "vir05_1c_16g", MemoryMiB: 16384, AICores: 5, VFGID: 1}}, got)
	none, err := b.Partitions(0)
	require.NoError(t, err)
	require.Empty(t, none)

	_, err = b.CreatePartition(1, "vir10_3c_32g")
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "15 of 20 cores are taken")
	require.ErrorContains(t, err, "dcmi_create_vdevice(2, 0, vir10_3c_32g): -8020 DCMI_ERR_CODE_RESOURCE_OCCUPIED")
	_, err = b.CreatePartition(1, "vir99")
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)

	require.NoError(t, b.DestroyPartition(1, 100))
	err = b.DestroyPartition(1, 100)
	require.ErrorIs(t, err, sdkerr.ErrNotFound)
	var dcmiErr *Error
	require.ErrorAs(t, err, &dcmiErr)
	require.Equal(t, CodeDeviceNotExist, dcmiErr.Code)
	got, err = b.Partitions(1)
	require.NoError(t, err)
	require.Len(t, got, 1)
}

func TestBindingMapsReturnCodes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		call string
		code Code
		run  func(b *Binding) error
		want error
	}{
		"init": {call: "dcmi_init", code: CodeInnerErr, want: sdkerr.ErrFailure,
			run: func(b *Binding) error { return b.Init() }},
		"card list": {call: "dcmi_get_card_list", code: CodeNotReady, want: sdkerr.ErrUninitialized,
			run: func(b *Binding) error { return b.Init() }},
		"die id": {call: "dcmi_get_device_die_v2", code: CodeNotSupport, want: sdkerr.ErrNotSupported,
			run: func(b *Binding) error { _, err := b.Device(0); return err }},
		"health": {call: "dcmi_get_device_health", code: CodeInvalidDeviceID, want: sdkerr.ErrNoDevice,
			run: func(b *Binding) error { _, err := b.Health(0); return err }},
		"utilization": {call: "dcmi_get_device_utilization_rate", code: CodeOperNotPermitted, want: sdkerr.ErrNoPermission,
			run: func(b *Binding) error { _, err := b.Utilization(0); return err }},
		"hbm": {call: "dcmi_get_device_hbm_info", code: CodeTimeOut, want: sdkerr.ErrFailure,
			run: func(b *Binding) error { _, err := b.Memory(0); return err }},
		"create": {call: "dcmi_create_vdevice", code: CodeNotSupportInContainer, want: sdkerr.ErrNotSupported,
			run: func(b *Binding) error { _, err := b.CreatePartition(0, "vir05_1c_16g"); return err }},
		"destroy": {call: "dcmi_set_destroy_vdevice", code: CodeOperNotPermitted, want: sdkerr.ErrNoPermission,
			run: func(b *Binding) error { return b.DestroyPartition(0, 100) }},
		"pcie": {call: "dcmi_get_device_pcie_info_v2", code: CodeInvalidParameter, want: sdkerr.ErrInvalidArgument,
			run: func(b *Binding) error { _, err := b.NUMANode(0); return err }},
		"list": {call: "dcmi_get_device_info", code: CodeIoctlFail, want: sdkerr.ErrFailure,
			run: func(b *Binding) error { _, err := b.Partitions(0); return err }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, ctl := openMock(t, "910B3", 1)
			if tc.call != "dcmi_init" && tc.call != "dcmi_get_card_list" {
				require.NoError(t, b.Init())
			}
			ctl.Fail(tc.call, int32(tc.code))
			err := tc.run(b)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.call)
			require.ErrorContains(t, err, fmt.Sprintf("%d %s", tc.code, tc.code.Name()))
		})
	}
}

func TestOpenMissingLibrary(t *testing.T) {
	t.Parallel()
	_, err := Open("/nonexistent/libdcmi.so")
	require.ErrorIs(t, err, dynlib.ErrNotFound)
}
