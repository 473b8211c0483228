package sdk

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/sdkerr"
)

func TestBindingMapsReturnCodes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		call    string
		at      int32
		code    Return
		do      func(b *Binding) error
		want    error
		message string
	}{
		"init": {
			call: "mtmlLibraryInit", code: ErrorDriverNotLoaded, want: sdkerr.ErrNoDriver,
			do:      func(*Binding) error { return nil },
			message: "mtmlLibraryInit(0): MTML_ERROR_DRIVER_NOT_LOADED (1)",
		},
		"uuid of one device": {
			call: "mtmlDeviceGetUUID", at: 1, code: ErrorNotFound, want: sdkerr.ErrNotFound,
			do:      func(b *Binding) error { _, err := b.Device(1); return err },
			message: "mtmlDeviceGetUUID(1): MTML_ERROR_NOT_FOUND (7)",
		},
		"serial not supported is no error": {
			call: "mtmlDeviceGetSerialNumber", at: 0, code: ErrorNotSupported,
			do: func(b *Binding) error { _, err := b.Device(0); return err },
		},
		"pci": {
			call: "mtmlDeviceGetPciInfo", at: 0, code: ErrorNoPermission, want: sdkerr.ErrNoPermission,
			do:      func(b *Binding) error { _, err := b.Device(0); return err },
			message: "mtmlDeviceGetPciInfo(0)",
		},
		"memory used": {
			call: "mtmlMemoryGetUsed", at: 1, code: ErrorTimeout, want: sdkerr.ErrFailure,
			do:      func(b *Binding) error { _, err := b.Memory(1); return err },
			message: "mtmlMemoryGetUsed(1): MTML_ERROR_TIMEOUT (11)",
		},
		"memory init": {
			call: "mtmlDeviceInitMemory", at: 1, code: ErrorInsufficientMemory, want: sdkerr.ErrInsufficient,
			do: func(b *Binding) error { _, err := b.Memory(1); return err },
		},
		"utilization": {
			call: "mtmlGpuGetUtilization", at: 0, code: ErrorDriverFailure, want: sdkerr.ErrFailure,
			do: func(b *Binding) error { _, err := b.Utilization(0); return err },
		},
		"topology": {
			call: "mtmlDeviceGetTopologyLevel", at: 0, code: ErrorNotSupported, want: sdkerr.ErrNotSupported,
			do:      func(b *Binding) error { _, err := b.Links(0); return err },
			message: "to 1: mtmlDeviceGetTopologyLevel(0)",
		},
		"board without mtlink": {
			call: "mtmlDeviceGetMtLinkSpec", at: 0, code: ErrorNotSupported,
			do: func(b *Binding) error { _, err := b.Links(0); return err },
		},
		"link remote": {
			call: "mtmlDeviceGetMtLinkRemoteDevice", at: 0, code: ErrorDriverTooOld, want: sdkerr.ErrDriverVersion,
			do:      func(b *Binding) error { _, err := b.Links(0); return err },
			message: "link 0: mtmlDeviceGetMtLinkRemoteDevice(0)",
		},
		"virt types": {
			call: "mtmlDeviceGetSupportedVirtTypes", at: 0, code: ErrorNotSupported, want: sdkerr.ErrNotSupported,
			do: func(b *Binding) error { _, err := b.VirtTypes(0); return err },
		},
		"active virt": {
			call: "mtmlDeviceCountActiveVirtDevices", at: 0, code: ErrorNoPermission, want: sdkerr.ErrNoPermission,
			do: func(b *Binding) error { _, err := b.ActiveVirtDevices(0); return err },
		},
		"index past the end": {
			want: sdkerr.ErrInvalidArgument, at: -1,
			do:      func(b *Binding) error { _, err := b.Device(5); return err },
			message: "mtmlLibraryInitDeviceByIndex(5): MTML_ERROR_INVALID_ARGUMENT (3)",
		},
		"negative index": {
			want: sdkerr.ErrInvalidArgument, at: -1,
			do: func(b *Binding) error { _, err := b.Memory(-1); return err },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, ctl := openMock(t, mockConfig{devices: 2, failCall: tc.call, failAt: tc.at, failCode: tc.code})
			err := b.Init()
			if err == nil {
				err = tc.do(b)
			}
			require.Zero(t, ctl.Outstanding(), "handles are freed on the error path too")
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			var mtErr *Error
			require.True(t, errors.As(err, &mtErr))
			if tc.code != Success {
				require.Equal(t, tc.code, mtErr.Code)
			}
			require.ErrorContains(t, err, tc.message)
		})
	}
}

func TestHealthyIsAVerdictOnDriverFailure(t *testing.T) {
	t.Parallel()
	b, _ := openMock(t, mockConfig{devices: 2, failCall: "mtmlGpuGetUtilization", failAt: 1, failCode: ErrorDriverFailure})
	require.NoError(t, b.Init())
	ok, err := b.Healthy(0)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.Healthy(1)
	require.NoError(t, err)
	require.False(t, ok)
	_, err = b.Healthy(7)
	require.ErrorIs(t, err, sdkerr.ErrInvalidArgument)
}

func TestReturnNames(t *testing.T) {
	t.Parallel()
	require.Equal(t, "MTML_ERROR_NOT_FOUND", ErrorNotFound.String())
	require.Equal(t, "MTML_ERROR_42", Return(42).String())
	require.NoError(t, callError("x", 0, Success))
	require.False(t, errors.Is(callError("x", 0, Return(42)), sdkerr.ErrNotFound))
}
