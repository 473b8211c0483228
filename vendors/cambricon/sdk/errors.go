package sdk

import (
	"strconv"

	"github.com/hami-project/hami/common/sdkerr"
)

// Return is a cndevRet_t.
type Return int32

// The return codes of testdata/cndev.h.
const (
	Success                Return = 0
	ErrorNoDriver          Return = 1
	ErrorLowDriverVersion  Return = 2
	ErrorUnsupportedAPI    Return = 3
	ErrorUninitialized     Return = 4
	ErrorInvalidArgument   Return = 5
	ErrorInvalidDeviceID   Return = 6
	ErrorUnknown           Return = 7
	ErrorMalloc            Return = 8
	ErrorInsufficientSpace Return = 9
	ErrorNotSupported      Return = 10
	ErrorInvalidLink       Return = 11
	ErrorNoFunctions       Return = 12
	ErrorNoPermission      Return = 13
	ErrorInUse             Return = 14
	ErrorNotFound          Return = 15
	ErrorTimeout           Return = 16
	returnCount                   = 17
)

var returnNames = [returnCount]string{
	"CNDEV_SUCCESS", "NO_DRIVER", "LOW_DRIVER_VERSION", "UNSUPPORTED_API_VERSION",
	"UNINITIALIZED", "INVALID_ARGUMENT", "INVALID_DEVICE_ID", "UNKNOWN", "MALLOC",
	"INSUFFICIENT_SPACE", "NOT_SUPPORTED", "INVALID_LINK", "NO_FUNCTIONS",
	"NO_PERMISSION", "IN_USE", "NOT_FOUND", "TIMEOUT",
}

// codes is CNDev's table of return codes, built from the header's names.
func codes() sdkerr.Table[Return] {
	// Several codes share a sentinel where a caller would act on them
	// alike; codes missing here are sdkerr.ErrFailure.
	sentinels := map[Return]error{
		ErrorNoDriver: sdkerr.ErrNoDriver, ErrorLowDriverVersion: sdkerr.ErrNoDriver,
		ErrorUnsupportedAPI: sdkerr.ErrNoDriver, ErrorNoFunctions: sdkerr.ErrNoDriver,
		ErrorUninitialized:   sdkerr.ErrUninitialized,
		ErrorInvalidArgument: sdkerr.ErrInvalidArgument, ErrorInvalidLink: sdkerr.ErrInvalidArgument,
		ErrorInvalidDeviceID: sdkerr.ErrNotFound, ErrorNotFound: sdkerr.ErrNotFound,
		ErrorInsufficientSpace: sdkerr.ErrInsufficient, ErrorNotSupported: sdkerr.ErrNotSupported,
		ErrorNoPermission: sdkerr.ErrNoPermission, ErrorInUse: sdkerr.ErrInUse,
	}
	success := sdkerr.Entry[Return]{Code: Success, Name: returnNames[0]}
	return sdkerr.Table[Return]{
		Success:  Success,
		Entries:  append(sdkerr.Named(ErrorNoDriver, "CNDEV_ERROR_", returnNames[1:], sentinels), success),
		Fallback: sdkerr.ErrFailure,
		Unknown:  func(r Return) string { return "CNDEV_ERROR_CODE_" + strconv.Itoa(int(r)) },
	}
}

// String is the code's name in the header.
func (r Return) String() string { return codes().Name(r) }

// Error is a call that CNDev refused, with its return code; it unwraps to
// the sdkerr sentinel the code means.
type Error = sdkerr.Error[Return]

// check turns a return code of call on device into nil or an error naming
// both, e.g. "cndevGetUUID(2): CNDEV_ERROR_INVALID_DEVICE_ID (6): ...".
func check(call string, device int, r int32) error {
	return codes().Check(Return(r), call, device)
}
