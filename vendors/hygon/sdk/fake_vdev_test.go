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

func capacity(cus int, mib uint64) sdk.Capacity {
	return sdk.Capacity{ComputeUnits: cus, MemoryMiB: mib}
}

func TestFakeVirtualDeviceAccounting(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, func(d *sdk.Description) { d.Devices = 2 }), sdk.FakeOptions{})
	fakesdktest.Want(t, 4)(f.MaxVDevices())

	fakesdktest.Want(t, sdk.VDevice{ID: 4, Device: 1, Capacity: capacity(15, 8192)})(f.CreateVDevice(1, capacity(15, 8192)))
	b, err := f.CreateVDevice(1, capacity(45, 8192))
	require.NoError(t, err)
	require.Equal(t, 5, b.ID)
	left, err := f.Remaining(1)
	require.NoError(t, err)
	require.Equal(t, capacity(0, 16384), left)
	left, err = f.Remaining(0)
	require.NoError(t, err)
	require.Equal(t, capacity(60, 32768), left, "another card is untouched")

	_, err = f.CreateVDevice(1, capacity(1, 1))
	require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	require.ErrorContains(t, err, "dmiCreateVDevices(1, 1 CUs, 1 MiB): DMI_STATUS_OUT_OF_RESOURCES (11)")
	require.NoError(t, f.DestroyVDevice(4))
	_, err = f.CreateVDevice(1, capacity(15, 24577))
	require.ErrorIs(t, err, sdkerr.ErrInsufficient, "memory is counted too")
	c, err := f.CreateVDevice(1, capacity(15, 24576))
	require.NoError(t, err)
	require.Equal(t, 4, c.ID, "the lowest free slot is reused")

	fakesdktest.Want(t, []sdk.VDevice{c, b})(f.VDevices())
	busy, err := f.VDeviceUtilization(5)
	require.NoError(t, err)
	require.Zero(t, busy)
}

func TestFakeVirtualDeviceLimitPerCard(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelK100AI, func(d *sdk.Description) { d.MaxVDevices = 2 }), sdk.FakeOptions{})
	for range 2 {
		_, err := f.CreateVDevice(3, capacity(1, 1))
		require.NoError(t, err)
	}
	_, err := f.CreateVDevice(3, capacity(1, 1))
	require.ErrorIs(t, err, sdkerr.ErrInsufficient)
	_, err = f.CreateVDevice(4, capacity(1, 1))
	require.NoError(t, err, "the limit is per card")
}

func TestFakeVirtualDeviceErrors(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, nil), sdk.FakeOptions{})
	cases := map[string]struct {
		call    func() error
		is      error
		wantErr string
	}{
		"no compute units": {call: func() error { _, err := f.CreateVDevice(0, capacity(0, 1)); return err }, is: sdkerr.ErrInvalidArgument},
		"no memory":        {call: func() error { _, err := f.CreateVDevice(0, capacity(1, 0)); return err }, is: sdkerr.ErrInvalidArgument},
		"no such card": {
			call: func() error { _, err := f.CreateVDevice(8, capacity(1, 1)); return err }, is: sdkerr.ErrInvalidArgument,
			wantErr: "dmiCreateVDevices(8, 1 CUs, 1 MiB): DMI_STATUS_INVALID_ARGUMENTS (10)",
		},
		"remaining of no card": {call: func() error { _, err := f.Remaining(-1); return err }, is: sdkerr.ErrInvalidArgument},
		"destroy unknown": {
			call: func() error { return f.DestroyVDevice(31) }, is: sdkerr.ErrNotFound,
			wantErr: "dmiDestroySingleVDevice(31): DMI_STATUS_VDEV_NOT_EXIST (15)",
		},
		"busy of unknown": {call: func() error { _, err := f.VDeviceUtilization(0); return err }, is: sdkerr.ErrNotFound},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := tc.call()
			require.ErrorIs(t, err, tc.is)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestFakeWithoutVirtualDevices(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, sdk.NewFake, describe(sdk.ModelZ100, func(d *sdk.Description) { d.NoVirtualDevices = true }), sdk.FakeOptions{})
	_, err := f.MaxVDevices()
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	_, err = f.Remaining(0)
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	_, err = f.CreateVDevice(0, capacity(1, 1))
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	require.ErrorIs(t, f.DestroyVDevice(0), sdkerr.ErrNotSupported)
	_, err = f.VDevices()
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	_, err = f.VDeviceUtilization(0)
	require.ErrorIs(t, err, sdkerr.ErrNotSupported)
	d, err := f.Device(0)
	require.NoError(t, err)
	require.Equal(t, 60, d.ComputeUnits, "monitoring works without libhydmi.so")
}

func TestFakeStateSurvivesReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	d := describe(sdk.ModelK100AI, func(d *sdk.Description) { d.Devices = 4 })
	first := fakesdktest.Start(t, sdk.NewFake, d, sdk.FakeOptions{StatePath: path})
	a, err := first.CreateVDevice(2, capacity(30, 4096))
	require.NoError(t, err)
	b, err := first.CreateVDevice(3, capacity(60, 2048))
	require.NoError(t, err)

	second := fakesdktest.Start(t, sdk.NewFake, d, sdk.FakeOptions{StatePath: path})
	all, err := second.VDevices()
	require.NoError(t, err)
	require.Equal(t, []sdk.VDevice{a, b}, all, "a plugin restart finds the driver's virtual devices")
	left, err := second.Remaining(2)
	require.NoError(t, err)
	require.Equal(t, capacity(90, 65536-4096), left)
	require.NoError(t, second.DestroyVDevice(a.ID))

	third := fakesdktest.Start(t, sdk.NewFake, d, sdk.FakeOptions{StatePath: path})
	all, err = third.VDevices()
	require.NoError(t, err)
	require.Equal(t, []sdk.VDevice{b}, all)

	_, err = sdk.NewFake(describe(sdk.ModelK100AI, func(d *sdk.Description) { d.Devices = 2 }), sdk.FakeOptions{StatePath: path})
	require.ErrorContains(t, err, "virtual device 12 on card 3 does not fit 2 cards with 4 virtual devices each")
}

func TestFakeRefusesABadStateFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"apiVersion":"state.fake.other.hami.io/v1","kind":"FakeDriverState"}`), 0o600))
	_, err := sdk.NewFake(describe(sdk.ModelZ100, nil), sdk.FakeOptions{StatePath: path})
	require.ErrorContains(t, err, "is not supported")
}
