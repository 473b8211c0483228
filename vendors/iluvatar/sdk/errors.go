package sdk

import (
	"errors"
	"strconv"

	"github.com/hami-project/hami/common/sdkerr"
)

// Return is an ixmlReturn_t, the code every library call returns.
type Return int32

// The return codes, as in testdata/ixml.h.
const (
	Success               Return = 0
	ErrorUninitialized    Return = 1
	ErrorInvalidArgument  Return = 2
	ErrorNotSupported     Return = 3
	ErrorNoPermission     Return = 4
	ErrorNotFound         Return = 6
	ErrorInsufficientSize Return = 7
	ErrorDriverNotLoaded  Return = 9
	ErrorTimeout          Return = 10
	ErrorGPUIsLost        Return = 15
	ErrorUnknown          Return = 999
)

// ErrInsufficientSize is a buffer too small for the answer; the other
// sentinels are common/sdkerr's.
var ErrInsufficientSize = errors.New("buffer too small")

// returnNames are the codes' C names after "IXML_", by code.
func returnNames() map[Return]string {
	return map[Return]string{
		Success: "SUCCESS", ErrorUninitialized: "ERROR_UNINITIALIZED",
		ErrorInvalidArgument: "ERROR_INVALID_ARGUMENT", ErrorNotSupported: "ERROR_NOT_SUPPORTED",
		ErrorNoPermission: "ERROR_NO_PERMISSION", ErrorNotFound: "ERROR_NOT_FOUND",
		ErrorInsufficientSize: "ERROR_INSUFFICIENT_SIZE", ErrorDriverNotLoaded: "ERROR_DRIVER_NOT_LOADED",
		ErrorTimeout: "ERROR_TIMEOUT", ErrorGPUIsLost: "ERROR_GPU_IS_LOST", ErrorUnknown: "ERROR_UNKNOWN",
	}
}

// codes is ixml's table of return codes; codes it does not know match
// sdkerr.ErrFailure.
func codes() sdkerr.Table[Return] {
	sentinels := []error{
		ErrorUninitialized: sdkerr.ErrUninitialized, ErrorInvalidArgument: sdkerr.ErrInvalidArgument,
		ErrorNotSupported: sdkerr.ErrNotSupported, ErrorNoPermission: sdkerr.ErrNoPermission,
		ErrorNotFound: sdkerr.ErrNotFound, ErrorInsufficientSize: ErrInsufficientSize,
		ErrorDriverNotLoaded: sdkerr.ErrNoDriver, ErrorTimeout: sdkerr.ErrTimeout, ErrorGPUIsLost: sdkerr.ErrDeviceLost,
	}
	t := sdkerr.Table[Return]{
		Success:  Success,
		Fallback: sdkerr.ErrFailure,
		Unknown:  func(r Return) string { return "IXML_ERROR_" + strconv.Itoa(int(r)) },
	}
	for r, name := range returnNames() {
		e := sdkerr.Entry[Return]{Code: r, Name: "IXML_" + name}
		if int(r) < len(sentinels) {
			e.Sentinel = sentinels[r]
		}
		t.Entries = append(t.Entries, e)
	}
	return t
}

// Name is the code's C name, e.g. "IXML_ERROR_GPU_IS_LOST".
func (r Return) Name() string { return codes().Name(r) }

// Error is a call that returned a code other than IXML_SUCCESS; it unwraps
// to the sentinel the code means.
type Error = sdkerr.Error[Return]

// check is nil for IXML_SUCCESS, else the code as an error with the call
// and its arguments as context: "ixmlDeviceGetUUID(2): IXML_ERROR_...".
// The binding and the fake both report through it, so callers see the same
// errors from either.
func check(code Return, call string, args ...any) error {
	return codes().Check(code, call, args...)
}
