package sdk

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

// mockControl is the test-only side of testdata/mock_ixml.c.
type mockControl struct {
	Setup      func(count, chipsPerBoard uint32)               `sym:"ixmlMockSetup"`
	Fail       func(call *byte, index int32, code int32) int32 `sym:"ixmlMockFail"`
	SetHealth  func(index uint32, bits uint64)                 `sym:"ixmlMockSetHealth"`
	SetUsed    func(index uint32, used uint64)                 `sym:"ixmlMockSetUsedBytes"`
	SetSerial  func(index uint32, serial *byte)                `sym:"ixmlMockSetSerial"`
	SizeofMem  func() uint32                                   `sym:"ixmlMockSizeofMemory"`
	SizeofUtil func() uint32                                   `sym:"ixmlMockSizeofUtilization"`
}

func (m *mockControl) fail(t *testing.T, call string, index int, code Return) {
	t.Helper()
	require.Zero(t, m.Fail(&dynlib.CString(call)[0], int32(index), int32(code)))
}

// openMock builds its own copy of the mock (so parallel tests share no
// state), sets up count chips, opens the binding on it and calls Init.
func openMock(t *testing.T, source string, count, chipsPerBoard int) (*Binding, *mockControl) {
	t.Helper()
	path := clibtest.BuildShared(t, "libixml.so", source)
	ctl, err := dynlib.Open(path)
	require.NoError(t, err)
	var m mockControl
	require.NoError(t, ctl.Bind(&m))
	m.Setup(uint32(count), uint32(chipsPerBoard))
	b, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, b.Close())
		require.NoError(t, ctl.Close())
	})
	require.NoError(t, b.Init())
	return b, &m
}

func TestBindingStructLayoutsMatchTheHeader(t *testing.T) {
	t.Parallel()
	_, m := openMock(t, "testdata/mock_ixml.c", 1, 1)
	require.Equal(t, uint32(unsafe.Sizeof(ixmlMemory{})), m.SizeofMem())
	require.Equal(t, uint32(unsafe.Sizeof(ixmlUtilization{})), m.SizeofUtil())
}

func TestBindingReadsEveryCall(t *testing.T) {
	t.Parallel()
	b, m := openMock(t, "testdata/mock_ixml.c", 4, 2)
	m.SetUsed(1, 3*mib+1)
	m.SetHealth(2, uint64(HealthECCError|HealthOverheat))

	fakesdktest.Want(t, 4)(b.DeviceCount())

	dev, err := b.Device(3)
	require.NoError(t, err)
	require.Equal(t, Device{
		Index: 3, UUID: "GPU-6d6f636b-0000-4000-8000-000000000003", Minor: 13,
		Name: "Iluvatar BI-V150", Serial: "SN-MOCK-3", NUMANode: 1,
	}, dev)
	require.Equal(t, "BI-V150", dev.Chip())
	require.Equal(t, "/dev/iluvatar13", dev.DevicePath())

	fakesdktest.Want(t, Memory{TotalMiB: 32768, UsedMiB: 4, FreeMiB: 32764}, "used rounds up to the MiB")(b.Memory(1))

	fakesdktest.Want(t, Utilization{GPUPercent: 12, MemoryPercent: 22})(b.Utilization(2))

	h, err := b.Health(2)
	require.NoError(t, err)
	require.False(t, h.Healthy())
	require.Equal(t, "overheat,ecc-error", h.Bits.String())
	h, err = b.Health(0)
	require.NoError(t, err)
	require.True(t, h.Healthy())

	fakesdktest.Want(t, []Link{{Peer: 1, Kind: LinkBoard}, {Peer: 2, Kind: LinkSystem}, {Peer: 3, Kind: LinkSystem}})(b.Links(0))
	require.NoError(t, b.Shutdown())
}

func TestBindingLinksOfSingleChipBoards(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "testdata/mock_ixml.c", 4, 1)
	fakesdktest.Want(t, []Link{{Peer: 0, Kind: LinkNode}, {Peer: 2, Kind: LinkSystem}, {Peer: 3, Kind: LinkSystem}})(b.Links(1))
}

func TestBindingWithoutNUMACall(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "testdata/mock_ixml_old.c", 2, 1)
	require.Nil(t, b.fn.NUMANode, "an optional symbol the driver lacks stays unbound")
	dev, err := b.Device(0)
	require.NoError(t, err)
	require.Equal(t, -1, dev.NUMANode)

	b, m := openMock(t, "testdata/mock_ixml.c", 2, 1)
	m.fail(t, "ixmlDeviceGetNumaNodeId", 1, ErrorNotSupported)
	dev, err = b.Device(1)
	require.NoError(t, err)
	require.Equal(t, -1, dev.NUMANode, "not supported for the chip means unknown, not an error")
}
