package sdk

import (
	"errors"
	"fmt"

	"github.com/hami-project/hami/common/sdkerr"
)

// Sentinels of metax alone; the rest are common/sdkerr's.
var (
	// ErrSgpuLimit means the device already holds MaxSgpusPerDevice sGPUs.
	ErrSgpuLimit    = errors.New("sGPU limit of the device reached")
	ErrUnknownValue = errors.New("unknown value")
)

// Return is a libmxsml return code (mxSmlReturn_t).
type Return int32

// Return codes, as testdata/mxsml.h numbers them.
const (
	Success               Return = 0
	Failure               Return = 1
	NoDevice              Return = 2
	OperationNotSupported Return = 3
	PermissionDenied      Return = 4
	OutOfResources        Return = 5
	InvalidInput          Return = 6
	InsufficientSize      Return = 7
	Uninitialized         Return = 8
	NotFound              Return = 9
	SgpuLimitReached      Return = 10
	DeviceLost            Return = 11
	InUse                 Return = 12
)

// returnNames are the codes' names in the C header after "MXSML_", by code.
var returnNames = [...]string{
	"Success", "Failure", "NoDevice", "OperationNotSupported", "PermissionDenied",
	"OutOfResources", "InvalidInput", "InsufficientSize", "Uninitialized",
	"NotFound", "SgpuLimitReached", "DeviceLost", "InUse",
}

// codes is libmxsml's table of return codes.
func codes() sdkerr.Table[Return] {
	sentinels := map[Return]error{
		NoDevice: sdkerr.ErrNoDevice, OperationNotSupported: sdkerr.ErrNotSupported,
		PermissionDenied: sdkerr.ErrNoPermission, OutOfResources: sdkerr.ErrInsufficient,
		InvalidInput: sdkerr.ErrInvalidArgument, InsufficientSize: sdkerr.ErrInvalidArgument,
		Uninitialized: sdkerr.ErrUninitialized, NotFound: sdkerr.ErrNotFound,
		SgpuLimitReached: ErrSgpuLimit, DeviceLost: sdkerr.ErrDeviceLost, InUse: sdkerr.ErrInUse,
	}
	return sdkerr.Table[Return]{
		Success:  Success,
		Entries:  sdkerr.Named(Success, "MXSML_", returnNames[:], sentinels),
		Fallback: sdkerr.ErrFailure,
		Unknown:  func(r Return) string { return fmt.Sprintf("MXSML_Unknown(%d)", int32(r)) },
	}
}

// String is the code's name in the C header.
func (r Return) String() string { return codes().Name(r) }

// Error is a call that returned a code other than MXSML_Success: it names
// the call and its arguments, the code and its name, and unwraps to the
// matching sentinel error.
type Error = sdkerr.Error[Return]

// check is nil for MXSML_Success and an *Error naming call otherwise.
func check(code int32, call string, args ...any) error {
	return codes().Check(Return(code), call, args...)
}

// fail is the error the library would return for code; the fake uses it
// so that its errors read like the binding's.
func fail(code Return, call string, args ...any) error {
	return codes().Check(code, call, args...)
}
