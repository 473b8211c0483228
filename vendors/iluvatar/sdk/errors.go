package sdk

import (
	"errors"
	"fmt"
	"strconv"
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

// Sentinel errors a Error matches with errors.Is.
var (
	ErrUninitialized    = errors.New("library not initialised")
	ErrInvalidArgument  = errors.New("invalid argument")
	ErrNotSupported     = errors.New("not supported")
	ErrNoPermission     = errors.New("no permission")
	ErrNotFound         = errors.New("not found")
	ErrInsufficientSize = errors.New("buffer too small")
	ErrDriverNotLoaded  = errors.New("driver not loaded")
	ErrTimeout          = errors.New("timeout")
	ErrGPUIsLost        = errors.New("gpu is lost")
	ErrUnknown          = errors.New("unknown error")
)

// Name is the code's C name, e.g. "IXML_ERROR_GPU_IS_LOST".
func (r Return) Name() string {
	switch r {
	case Success:
		return "IXML_SUCCESS"
	case ErrorUninitialized:
		return "IXML_ERROR_UNINITIALIZED"
	case ErrorInvalidArgument:
		return "IXML_ERROR_INVALID_ARGUMENT"
	case ErrorNotSupported:
		return "IXML_ERROR_NOT_SUPPORTED"
	case ErrorNoPermission:
		return "IXML_ERROR_NO_PERMISSION"
	case ErrorNotFound:
		return "IXML_ERROR_NOT_FOUND"
	case ErrorInsufficientSize:
		return "IXML_ERROR_INSUFFICIENT_SIZE"
	case ErrorDriverNotLoaded:
		return "IXML_ERROR_DRIVER_NOT_LOADED"
	case ErrorTimeout:
		return "IXML_ERROR_TIMEOUT"
	case ErrorGPUIsLost:
		return "IXML_ERROR_GPU_IS_LOST"
	case ErrorUnknown:
		return "IXML_ERROR_UNKNOWN"
	}
	return "IXML_ERROR_" + strconv.Itoa(int(r))
}

// sentinel is the error r matches; codes this package does not know match
// ErrUnknown.
func (r Return) sentinel() error {
	switch r {
	case ErrorUninitialized:
		return ErrUninitialized
	case ErrorInvalidArgument:
		return ErrInvalidArgument
	case ErrorNotSupported:
		return ErrNotSupported
	case ErrorNoPermission:
		return ErrNoPermission
	case ErrorNotFound:
		return ErrNotFound
	case ErrorInsufficientSize:
		return ErrInsufficientSize
	case ErrorDriverNotLoaded:
		return ErrDriverNotLoaded
	case ErrorTimeout:
		return ErrTimeout
	case ErrorGPUIsLost:
		return ErrGPUIsLost
	}
	return ErrUnknown
}

// Error is a call that returned a code other than IXML_SUCCESS.
type Error struct {
	Code Return
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (%d): %v", e.Code.Name(), int32(e.Code), e.Code.sentinel())
}

// Unwrap makes errors.Is(err, ErrGPUIsLost) and friends work.
func (e *Error) Unwrap() error { return e.Code.sentinel() }

// check is nil for IXML_SUCCESS, else the code as an error with the call
// and its arguments as context: "ixmlDeviceGetUUID(2): IXML_ERROR_...".
// The binding and the fake both report through it, so callers see the same
// errors from either.
func check(code Return, call string, args ...any) error {
	if code == Success {
		return nil
	}
	return fmt.Errorf("%s(%s): %w", call, joinArgs(args), &Error{Code: code})
}

func joinArgs(args []any) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(a)
	}
	return s
}
