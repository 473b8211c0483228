package sdk_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

func TestFakeHealth(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, func(d *sdk.Description) { d.Devices = 3; d.Unhealthy = []int{2} }), sdk.FakeOptions{})
	healthy := func(i int) bool {
		t.Helper()
		ok, err := f.Healthy(i)
		require.NoError(t, err)
		return ok
	}
	require.True(t, healthy(0))
	require.False(t, healthy(2), "unhealthy from the description")
	_, err := f.Utilization(2)
	require.ErrorContains(t, err, "rsmi_dev_busy_percent_get(2): RSMI_STATUS_FILE_ERROR (3)")

	require.NoError(t, f.SetHealthy(0, false))
	require.NoError(t, f.SetHealthy(2, true))
	require.False(t, healthy(0))
	require.True(t, healthy(2))
	require.ErrorIs(t, f.SetHealthy(3, true), sdkerr.ErrInvalidArgument)
	_, err = f.Healthy(3)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument, "a bad index is an error, not an unhealthy card")
}

func TestFakeLoad(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, nil), sdk.FakeOptions{})
	require.NoError(t, f.SetLoad(1, 1024, 35))
	mem, err := f.Memory(1)
	require.NoError(t, err)
	require.Equal(t, sdk.Memory{TotalMiB: 32768, UsedMiB: 1024}, mem)
	require.Equal(t, uint64(31744), mem.FreeMiB())
	fakesdktest.Want(t, 35)(f.Utilization(1))
	require.ErrorIs(t, f.SetLoad(1, 40000, 0), sdkerr.ErrInvalidArgument)
	require.ErrorIs(t, f.SetLoad(1, 0, 101), sdkerr.ErrInvalidArgument)
}

func TestFakeCallsBeforeInit(t *testing.T) {
	t.Parallel()
	f, err := sdk.NewFake(describe(sdk.ModelZ100, nil), sdk.FakeOptions{})
	require.NoError(t, err)
	_, err = f.DeviceCount()
	require.ErrorContains(t, err, "rsmi_num_monitor_devices: RSMI_STATUS_INIT_ERROR (8)")
	require.ErrorIs(t, f.Shutdown(), sdkerr.ErrUninitialized)
	fakesdktest.CheckGuard(t, f, fakesdktest.Guard{
		Call:    func(i int) error { _, err := f.Device(i); return err },
		Unknown: 8, UnknownErr: sdkerr.ErrInvalidArgument, UnknownText: "rsmi_dev_id_get(8): RSMI_STATUS_INVALID_ARGS (1)",
	})
	_, err = f.Memory(0)
	require.ErrorIs(t, err, sdkerr.ErrUninitialized)
}

func TestFakeMakesDeviceFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelK100AI, func(d *sdk.Description) { d.Devices = 2 }), sdk.FakeOptions{DevRoot: root})
	for _, p := range []string{"dev/kfd", "dev/mkfd", "dev/dri/card0", "dev/dri/card1", "dev/dri/renderD128", "dev/dri/renderD129"} {
		_, err := os.Stat(filepath.Join(root, p))
		require.NoError(t, err, p)
	}
	_, err := os.Stat(filepath.Join(root, "dev/dri/card2"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
