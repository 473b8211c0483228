package sdk

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// callAll exercises every Library call on chip index and returns the first
// error.
func callAll(b *Binding, index int) error {
	calls := []func() error{
		func() error { _, err := b.DeviceCount(); return err },
		func() error { _, err := b.Device(index); return err },
		func() error { _, err := b.Memory(index); return err },
		func() error { _, err := b.Utilization(index); return err },
		func() error { _, err := b.Health(index); return err },
		func() error { _, err := b.Links(index); return err },
	}
	for _, c := range calls {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

func TestBindingMapsReturnCodes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		call     string
		code     Return
		want     error
		wantText string
	}{
		"count":       {"ixmlDeviceGetCount_v2", ErrorDriverNotLoaded, sdkerr.ErrNoDriver, "ixmlDeviceGetCount_v2(): IXML_ERROR_DRIVER_NOT_LOADED (9)"},
		"handle":      {"ixmlDeviceGetHandleByIndex_v2", ErrorGPUIsLost, sdkerr.ErrDeviceLost, "ixmlDeviceGetHandleByIndex_v2(1): IXML_ERROR_GPU_IS_LOST (15)"},
		"index":       {"ixmlDeviceGetIndex", ErrorUnknown, sdkerr.ErrFailure, "ixmlDeviceGetIndex(1): IXML_ERROR_UNKNOWN (999)"},
		"uuid":        {"ixmlDeviceGetUUID", ErrorGPUIsLost, sdkerr.ErrDeviceLost, "ixmlDeviceGetUUID(1): IXML_ERROR_GPU_IS_LOST"},
		"minor":       {"ixmlDeviceGetMinorNumber", ErrorNoPermission, sdkerr.ErrNoPermission, "ixmlDeviceGetMinorNumber(1)"},
		"name":        {"ixmlDeviceGetName", ErrorTimeout, sdkerr.ErrTimeout, "ixmlDeviceGetName(1)"},
		"serial":      {"ixmlDeviceGetSerial", ErrorNotSupported, sdkerr.ErrNotSupported, "ixmlDeviceGetSerial(1)"},
		"numa":        {"ixmlDeviceGetNumaNodeId", ErrorGPUIsLost, sdkerr.ErrDeviceLost, "ixmlDeviceGetNumaNodeId(1)"},
		"memory":      {"ixmlDeviceGetMemoryInfo", ErrorNotFound, sdkerr.ErrNotFound, "ixmlDeviceGetMemoryInfo(1): IXML_ERROR_NOT_FOUND (6)"},
		"utilization": {"ixmlDeviceGetUtilizationRates", ErrorNotSupported, sdkerr.ErrNotSupported, "ixmlDeviceGetUtilizationRates(1)"},
		"health":      {"ixmlDeviceGetHealth", ErrorGPUIsLost, sdkerr.ErrDeviceLost, "ixmlDeviceGetHealth(1)"},
		"same board":  {"ixmlDeviceOnSameBoard", ErrorUnknown, sdkerr.ErrFailure, "ixmlDeviceOnSameBoard(1, 0)"},
		"topology":    {"ixmlDeviceGetTopologyCommonAncestor", ErrorNotSupported, sdkerr.ErrNotSupported, "ixmlDeviceGetTopologyCommonAncestor(1, 0)"},
		"new code":    {"ixmlDeviceGetHealth", Return(77), sdkerr.ErrFailure, "IXML_ERROR_77 (77)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, m := openMock(t, "testdata/mock_ixml.c", 2, 1)
			m.fail(t, tc.call, -1, tc.code)
			err := callAll(b, 1)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.wantText)
			var re *Error
			require.True(t, errors.As(err, &re))
			require.Equal(t, tc.code, re.Code)
		})
	}
}

func TestBindingBeforeInitAndAfterShutdown(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "testdata/mock_ixml.c", 2, 1)
	require.NoError(t, b.Shutdown())
	require.ErrorIs(t, callAll(b, 0), sdkerr.ErrUninitialized)
	require.ErrorIs(t, b.Shutdown(), sdkerr.ErrUninitialized)
	require.NoError(t, b.Init())
	require.NoError(t, callAll(b, 0))
}

func TestBindingInitFailure(t *testing.T) {
	t.Parallel()
	b, m := openMock(t, "testdata/mock_ixml.c", 2, 1)
	require.NoError(t, b.Shutdown())
	m.fail(t, "ixmlInit_v2", -1, ErrorDriverNotLoaded)
	err := b.Init()
	require.ErrorIs(t, err, sdkerr.ErrNoDriver)
	require.ErrorContains(t, err, "ixmlInit_v2()")
}

func TestBindingRejectsBadIndexes(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, "testdata/mock_ixml.c", 2, 1)
	for _, index := range []int{-1, 2} {
		_, err := b.Device(index)
		require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "index %d", index)
		require.ErrorContains(t, err, "ixmlDeviceGetHandleByIndex_v2")
	}
}

func TestBindingSerialTooLongForItsBuffer(t *testing.T) {
	t.Parallel()
	b, m := openMock(t, "testdata/mock_ixml.c", 1, 1)
	m.SetSerial(0, &dynlib.CString("SN-0123456789-0123456789-0123456789")[0])
	_, err := b.Device(0)
	require.ErrorIs(t, err, ErrInsufficientSize)
	require.ErrorContains(t, err, "ixmlDeviceGetSerial(0)")
}

func TestOpenFailures(t *testing.T) {
	t.Parallel()
	_, err := Open("/nonexistent/libixml.so")
	require.ErrorIs(t, err, dynlib.ErrNotFound)
	require.ErrorContains(t, err, "open ixml")
	require.Contains(t, DefaultLibraryNames(), "libixml.so")
}
