package sdk

import (
	"errors"
	"fmt"
	"strconv"
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

// String is the code's name in the header.
func (r Return) String() string {
	switch {
	case r == Success:
		return returnNames[0]
	case r > 0 && r < returnCount:
		return "CNDEV_ERROR_" + returnNames[r]
	default:
		return "CNDEV_ERROR_CODE_" + strconv.Itoa(int(r))
	}
}

// Sentinels a caller can test with errors.Is; several codes share one when
// a caller would act on them alike.
var (
	ErrNoDriver          = errors.New("cambricon driver not loaded or too old")
	ErrUninitialized     = errors.New("cndev not initialised")
	ErrInvalidArgument   = errors.New("invalid argument")
	ErrNotFound          = errors.New("no such device or instance")
	ErrInsufficientSpace = errors.New("does not fit")
	ErrNotSupported      = errors.New("not supported by this card or driver")
	ErrNoPermission      = errors.New("no permission")
	ErrInUse             = errors.New("in use")
	ErrUnknown           = errors.New("cndev failed")
)

func (r Return) sentinel() error {
	switch r {
	case ErrorNoDriver, ErrorLowDriverVersion, ErrorUnsupportedAPI, ErrorNoFunctions:
		return ErrNoDriver
	case ErrorUninitialized:
		return ErrUninitialized
	case ErrorInvalidArgument, ErrorInvalidLink:
		return ErrInvalidArgument
	case ErrorInvalidDeviceID, ErrorNotFound:
		return ErrNotFound
	case ErrorInsufficientSpace:
		return ErrInsufficientSpace
	case ErrorNotSupported:
		return ErrNotSupported
	case ErrorNoPermission:
		return ErrNoPermission
	case ErrorInUse:
		return ErrInUse
	default:
		return ErrUnknown
	}
}

// Error is a call that CNDev refused, with its return code.
type Error struct {
	Code Return
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (%d): %v", e.Code, int32(e.Code), e.Code.sentinel())
}

// Unwrap gives the sentinel the code maps to.
func (e *Error) Unwrap() error { return e.Code.sentinel() }

// check turns a return code of call on device into nil or an error naming
// both, e.g. "cndevGetUUID(2): CNDEV_ERROR_INVALID_DEVICE_ID (6): ...".
func check(call string, device int, r int32) error {
	if Return(r) == Success {
		return nil
	}
	return fmt.Errorf("%s(%d): %w", call, device, &Error{Code: Return(r)})
}
