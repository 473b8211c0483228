package sdk

import (
	"errors"
	"fmt"
)

// Return is an MTML return code (MtmlReturn in testdata/mtml.h).
type Return int32

// MTML return codes.
const (
	Success                 Return = 0
	ErrorDriverNotLoaded    Return = 1
	ErrorDriverFailure      Return = 2
	ErrorInvalidArgument    Return = 3
	ErrorNotSupported       Return = 4
	ErrorNoPermission       Return = 5
	ErrorInsufficientSize   Return = 6
	ErrorNotFound           Return = 7
	ErrorInsufficientMemory Return = 8
	ErrorDriverTooOld       Return = 9
	ErrorDriverTooNew       Return = 10
	ErrorTimeout            Return = 11
	ErrorUnknown            Return = 999
)

// String is the C name of the code.
func (r Return) String() string {
	switch r {
	case Success:
		return "MTML_SUCCESS"
	case ErrorDriverNotLoaded:
		return "MTML_ERROR_DRIVER_NOT_LOADED"
	case ErrorDriverFailure:
		return "MTML_ERROR_DRIVER_FAILURE"
	case ErrorInvalidArgument:
		return "MTML_ERROR_INVALID_ARGUMENT"
	case ErrorNotSupported:
		return "MTML_ERROR_NOT_SUPPORTED"
	case ErrorNoPermission:
		return "MTML_ERROR_NO_PERMISSION"
	case ErrorInsufficientSize:
		return "MTML_ERROR_INSUFFICIENT_SIZE"
	case ErrorNotFound:
		return "MTML_ERROR_NOT_FOUND"
	case ErrorInsufficientMemory:
		return "MTML_ERROR_INSUFFICIENT_MEMORY"
	case ErrorDriverTooOld:
		return "MTML_ERROR_DRIVER_TOO_OLD"
	case ErrorDriverTooNew:
		return "MTML_ERROR_DRIVER_TOO_NEW"
	case ErrorTimeout:
		return "MTML_ERROR_TIMEOUT"
	case ErrorUnknown:
		return "MTML_ERROR_UNKNOWN"
	}
	return fmt.Sprintf("MTML_ERROR_%d", int32(r))
}

// Sentinel errors an *Error matches with errors.Is, so callers need not
// know the codes.
var (
	ErrNotInitialized  = errors.New("mtml not initialized")
	ErrDriverNotLoaded = errors.New("mtgpu driver not loaded")
	ErrInvalidArgument = errors.New("invalid argument")
	ErrNotSupported    = errors.New("not supported")
	ErrNoPermission    = errors.New("no permission")
	ErrNotFound        = errors.New("not found")
	ErrInsufficient    = errors.New("insufficient resources")
	ErrDriverVersion   = errors.New("driver version mismatch")
	ErrDriverFailure   = errors.New("driver failure")
)

// Error is a failed MTML call: the code the library returned.
type Error struct {
	Code Return
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d)", e.Code, int32(e.Code)) }

// Is maps the code to its sentinel.
func (e *Error) Is(target error) bool {
	return sentinel(e.Code) == target
}

func sentinel(r Return) error {
	switch r {
	case ErrorDriverNotLoaded:
		return ErrDriverNotLoaded
	case ErrorInvalidArgument:
		return ErrInvalidArgument
	case ErrorNotSupported:
		return ErrNotSupported
	case ErrorNoPermission:
		return ErrNoPermission
	case ErrorNotFound:
		return ErrNotFound
	case ErrorInsufficientSize, ErrorInsufficientMemory:
		return ErrInsufficient
	case ErrorDriverTooOld, ErrorDriverTooNew:
		return ErrDriverVersion
	case ErrorDriverFailure, ErrorTimeout, ErrorUnknown:
		return ErrDriverFailure
	}
	return nil
}

// callError is the error of call(arg) returning code, nil on success, in the
// form every binding and fake error takes: "mtmlDeviceGetUUID(2): MTML_... (7)".
func callError(call string, arg int, code Return) error {
	if code == Success {
		return nil
	}
	return fmt.Errorf("%s(%d): %w", call, arg, &Error{Code: code})
}
