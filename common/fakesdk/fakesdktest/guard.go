package fakesdktest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/sdkerr"
)

// Session is a library with the init guard every vendor's keeps.
type Session interface {
	Init() error
	Shutdown() error
	DeviceCount() (int, error)
}

// Guard is how a library answers a call on a device it does not have.
type Guard struct {
	// Call makes a device call on index and gives its error.
	Call func(index int) error
	// Unknown is an index the library does not have; its call fails with
	// UnknownErr, naming UnknownText where that is set.
	Unknown     int
	UnknownErr  error
	UnknownText string
}

// CheckGuard checks lib, not yet initialised, the way every library behaves:
// calls fail with sdkerr.ErrUninitialized before Init and after Shutdown,
// and a call on an unknown device fails as g says.
func CheckGuard(t testing.TB, lib Session, g Guard) {
	t.Helper()
	_, err := lib.DeviceCount()
	require.ErrorIs(t, err, sdkerr.ErrUninitialized, "DeviceCount before Init")
	require.ErrorIs(t, g.Call(0), sdkerr.ErrUninitialized, "a device call before Init")
	require.NoError(t, lib.Init())
	err = g.Call(g.Unknown)
	require.ErrorIs(t, err, g.UnknownErr, "device %d", g.Unknown)
	if g.UnknownText != "" {
		require.ErrorContains(t, err, g.UnknownText)
	}
	require.NoError(t, lib.Shutdown())
	require.ErrorIs(t, g.Call(0), sdkerr.ErrUninitialized, "a device call after Shutdown")
}
