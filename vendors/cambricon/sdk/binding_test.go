package sdk

import (
	"errors"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

// The mock reads its configuration from the environment in cndevInit, so
// these tests set it with t.Setenv and cannot run in parallel; each builds
// its own copy of the mock, so no state leaks between them.

func buildMock(t *testing.T) string {
	t.Helper()
	return clibtest.BuildShared(t, "libcndev.so", "testdata/mock_cndev.c")
}

func openMock(t *testing.T, env map[string]string) *Binding {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	b, err := Open(buildMock(t))
	require.NoError(t, err)
	require.NoError(t, b.Init())
	t.Cleanup(func() {
		require.NoError(t, b.Shutdown())
		require.NoError(t, b.Close())
	})
	return b
}

func TestBindingStructLayoutsMatchTheHeader(t *testing.T) {
	lib, err := dynlib.Open(buildMock(t))
	require.NoError(t, err)
	defer func() { require.NoError(t, lib.Close()) }()
	var mock struct {
		Sizeof func(name *byte) uint64 `sym:"mockCndevSizeof"`
	}
	require.NoError(t, lib.Bind(&mock))
	goSizes := map[string]uintptr{
		"cndevCardInfo_t":          unsafe.Sizeof(cardInfo{}),
		"cndevUUID_t":              unsafe.Sizeof(uuidInfo{}),
		"cndevCardName_t":          unsafe.Sizeof(cardName{}),
		"cndevCardSN_t":            unsafe.Sizeof(cardSN{}),
		"cndevMemoryInfoV2_t":      unsafe.Sizeof(memoryInfoV2{}),
		"cndevCardHealthState_t":   unsafe.Sizeof(healthState{}),
		"cndevNUMANodeId_t":        unsafe.Sizeof(numaNodeID{}),
		"cndevUtilizationInfo_t":   unsafe.Sizeof(utilizationInfo{}),
		"cndevMLULinkStatusV2_t":   unsafe.Sizeof(mluLinkStatusV2{}),
		"cndevMLULinkRemoteInfo_t": unsafe.Sizeof(mluLinkRemoteInfo{}),
		"cndevSMluSet_t":           unsafe.Sizeof(smluSet{}),
		"cndevSMluProfileIdInfo_t": unsafe.Sizeof(smluProfileIDInfo{}),
		"cndevSMluProfileInfo_t":   unsafe.Sizeof(smluProfileInfo{}),
		"cndevSMluInfo_t":          unsafe.Sizeof(smluInfo{}),
	}
	for name, size := range goSizes {
		t.Run(name, func(t *testing.T) {
			c := mock.Sizeof(&dynlib.CString(name)[0])
			require.NotZero(t, c, "the mock does not know %s", name)
			require.Equal(t, uintptr(c), size)
		})
	}
}

func TestBindingReadsEveryCardCall(t *testing.T) {
	b := openMock(t, map[string]string{"MOCK_CNDEV_DEVICES": "3", "MOCK_CNDEV_UNHEALTHY": "1", "MOCK_CNDEV_NO_SMLU": "2"})
	fakesdktest.Want(t, 3)(b.DeviceCount())

	d, err := b.Device(2)
	require.NoError(t, err)
	require.Equal(t, Device{Index: 2, Minor: 2, UUID: "MLU-ab000002-0000-4000-8000-000000000002", Model: "MLU370", Serial: "c0ffee02"}, d)

	fakesdktest.Want(t, Memory{TotalMiB: 49152, UsedMiB: 1001})(b.Memory(1))

	fakesdktest.Want(t, 25)(b.Utilization(2))

	for i, want := range []bool{true, false, true} {
		fakesdktest.Want(t, want, "card %d", i)(b.Healthy(i))
	}
	fakesdktest.Want(t, 1)(b.NUMANode(2))

	links, err := b.Links(0)
	require.NoError(t, err)
	require.Equal(t, []Link{{Peer: 1, Kind: LinkMLULink, Ports: 2}}, links, "two ports to card 1; the port to another server left out")
	links, err = b.Links(2)
	require.NoError(t, err)
	require.Empty(t, links, "card 2's partner is absent")

	on, err := b.SMLUEnabled(0)
	require.NoError(t, err)
	require.True(t, on)
	on, err = b.SMLUEnabled(2)
	require.NoError(t, err)
	require.False(t, on)
}

func TestBindingMapsErrorCodes(t *testing.T) {
	cases := map[string]struct {
		fail     string
		call     func(b *Binding) error
		sentinel error
		text     string
	}{
		"invalid device": {
			fail: "cndevGetUUID:1:6", call: func(b *Binding) error { _, err := b.Device(1); return err },
			sentinel: sdkerr.ErrNotFound, text: "cndevGetUUID(1): CNDEV_ERROR_INVALID_DEVICE_ID (6)",
		},
		"index out of range": {
			call:     func(b *Binding) error { _, err := b.Memory(7); return err },
			sentinel: sdkerr.ErrNotFound, text: "cndevGetDeviceHandleByIndex(7)",
		},
		"no permission": {
			fail: "cndevGetMemoryUsageV2:0:13", call: func(b *Binding) error { _, err := b.Memory(0); return err },
			sentinel: sdkerr.ErrNoPermission, text: "CNDEV_ERROR_NO_PERMISSION",
		},
		"unknown": {
			fail: "cndevGetCardHealthState:1:7", call: func(b *Binding) error { _, err := b.Healthy(1); return err },
			sentinel: sdkerr.ErrFailure, text: "cndevGetCardHealthState(1): CNDEV_ERROR_UNKNOWN (7)",
		},
		"no driver": {
			fail: "cndevGetDeviceCount:0:1", call: func(b *Binding) error { _, err := b.DeviceCount(); return err },
			sentinel: sdkerr.ErrNoDriver, text: "CNDEV_ERROR_NO_DRIVER",
		},
		"port count": {
			fail: "cndevGetMLULinkPortNumber:0:10", call: func(b *Binding) error { _, err := b.Links(0); return err },
			sentinel: sdkerr.ErrNotSupported, text: "cndevGetMLULinkPortNumber(0)",
		},
		"link status": {
			fail: "cndevGetMLULinkStatusV2:1:11", call: func(b *Binding) error { _, err := b.Links(1); return err },
			sentinel: sdkerr.ErrInvalidArgument, text: "port 0: cndevGetMLULinkStatusV2(1): CNDEV_ERROR_INVALID_LINK",
		},
		"numa": {
			fail: "cndevGetNUMANodeIdByDevId:0:10", call: func(b *Binding) error { _, err := b.NUMANode(0); return err },
			sentinel: sdkerr.ErrNotSupported, text: "cndevGetNUMANodeIdByDevId(0)",
		},
		"utilisation": {
			fail: "cndevGetDeviceUtilizationInfo:0:4", call: func(b *Binding) error { _, err := b.Utilization(0); return err },
			sentinel: sdkerr.ErrUninitialized, text: "CNDEV_ERROR_UNINITIALIZED",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b := openMock(t, map[string]string{"MOCK_CNDEV_FAIL": tc.fail})
			err := tc.call(b)
			require.ErrorIs(t, err, tc.sentinel)
			require.ErrorContains(t, err, tc.text)
			var cerr *Error
			require.True(t, errors.As(err, &cerr))
		})
	}
}

func TestBindingBeforeInitIsUninitialised(t *testing.T) {
	b, err := Open(buildMock(t))
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	_, err = b.DeviceCount()
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
}

func TestOpenWithoutTheLibrary(t *testing.T) {
	t.Parallel()
	_, err := Open("/nonexistent/libcndev.so")
	require.ErrorIs(t, err, dynlib.ErrNotFound)
	require.ErrorContains(t, err, "open cndev")
}

// profileCount reads the card's sMLU profiles straight from the mock, to
// see that the binding cleans up the profiles it made.
func profileCount(t *testing.T, b *Binding, index int) int {
	t.Helper()
	h, err := b.handle(index)
	require.NoError(t, err)
	ids := smluProfileIDInfo{Version: cndevVersion}
	require.NoError(t, check("cndevGetSMluProfileIdInfo", index, b.c.GetSMLUProfileIDs(h, &ids)))
	return int(ids.Count)
}

func TestBindingPartitionsThroughTheABI(t *testing.T) {
	b := openMock(t, map[string]string{"MOCK_CNDEV_DEVICES": "2"})
	half := PartitionSpec{CorePercent: 50, MemoryMiB: 4096}
	p1, err := b.CreatePartition(0, half)
	require.NoError(t, err)
	require.Equal(t, Partition{
		Device: 0, ProfileID: 1, InstanceID: 1, Handle: 1<<16 | 1,
		UUID: "5a5a0000-0000-4000-8000-000000000001", DeviceNode: "/dev/cambricon-caps/cap_dev0_mi1",
		PartitionSpec: half,
	}, p1)
	require.Equal(t, InstanceNode(0, 1), p1.DeviceNode)
	p2, err := b.CreatePartition(0, half)
	require.NoError(t, err)
	require.Equal(t, 1, p2.ProfileID, "a profile of the same shape is reused")
	require.Equal(t, 2, p2.InstanceID)

	_, err = b.CreatePartition(0, PartitionSpec{CorePercent: 10, MemoryMiB: 256})
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "the cores are all given out")
	require.ErrorContains(t, err, "cndevCreateSMluInstanceByProfileId(0): CNDEV_ERROR_INSUFFICIENT_SPACE")
	require.Equal(t, 1, profileCount(t, b, 0), "the profile made for the refused instance is gone")

	_, err = b.CreatePartition(1, PartitionSpec{CorePercent: 10, MemoryMiB: 40960})
	require.NoError(t, err)
	_, err = b.CreatePartition(1, PartitionSpec{CorePercent: 10, MemoryMiB: 10240})
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "the memory does not fit")

	_, err = b.CreatePartition(0, PartitionSpec{CorePercent: 0, MemoryMiB: 100})
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)

	parts, err := b.Partitions(0)
	require.NoError(t, err)
	require.Equal(t, []Partition{p1, p2}, parts)

	require.NoError(t, b.DestroyPartition(0, p1.Handle))
	require.Equal(t, 1, profileCount(t, b, 0), "p2 still uses the profile")
	require.NoError(t, b.DestroyPartition(0, p2.Handle))
	require.Zero(t, profileCount(t, b, 0))
	require.ErrorIs(t, b.DestroyPartition(0, p2.Handle), sdkerr.ErrNotFound)
	parts, err = b.Partitions(0)
	require.NoError(t, err)
	require.Empty(t, parts)
}

func TestBindingListsMorePartitionsThanItFirstAsksFor(t *testing.T) {
	b := openMock(t, nil)
	for range 10 {
		_, err := b.CreatePartition(1, PartitionSpec{CorePercent: 10, MemoryMiB: 256})
		require.NoError(t, err)
	}
	parts, err := b.Partitions(1)
	require.NoError(t, err)
	require.Len(t, parts, 10)
	require.Equal(t, "/dev/cambricon-caps/cap_dev1_mi10", parts[9].DeviceNode)
}

func TestBindingPartitionErrors(t *testing.T) {
	cases := map[string]struct {
		env      map[string]string
		sentinel error
		text     string
	}{
		"sMLU off": {
			env: map[string]string{"MOCK_CNDEV_NO_SMLU": "0"}, sentinel: sdkerr.ErrNotSupported,
			text: "cndevCreateSMluProfileInfo(0): CNDEV_ERROR_NOT_SUPPORTED",
		},
		"instance refused": {
			env: map[string]string{"MOCK_CNDEV_FAIL": "cndevCreateSMluInstanceByProfileId:0:13"}, sentinel: sdkerr.ErrNoPermission,
			text: "cndevCreateSMluInstanceByProfileId(0)",
		},
		"listing fails": {
			env: map[string]string{"MOCK_CNDEV_FAIL": "cndevGetAllSMluInstanceInfo:0:7"}, sentinel: sdkerr.ErrFailure,
			text: "cndevGetAllSMluInstanceInfo(0)",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b := openMock(t, tc.env)
			_, err := b.CreatePartition(0, PartitionSpec{CorePercent: 25, MemoryMiB: 1024})
			require.ErrorIs(t, err, tc.sentinel)
			require.ErrorContains(t, err, tc.text)
			require.Zero(t, profileCount(t, b, 0), "the profile made for it is gone, so its instance went first (the mock refuses IN_USE)")
		})
	}
}

func TestBindingOnADriverWithoutSMLU(t *testing.T) {
	b, err := Open(clibtest.BuildShared(t, "libcndev.so", "testdata/mock_cndev_old.c"))
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	require.NoError(t, b.Init())
	on, err := b.SMLUEnabled(0)
	require.NoError(t, err)
	require.False(t, on)
	parts, err := b.Partitions(0)
	require.NoError(t, err)
	require.Empty(t, parts)
	_, err = b.CreatePartition(0, PartitionSpec{CorePercent: 10, MemoryMiB: 256})
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	d, err := b.Device(1)
	require.NoError(t, err, "the card calls still work")
	require.Equal(t, "MLU370", d.Model)
}
