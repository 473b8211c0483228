package sdk

import (
	"errors"
	"fmt"
)

// Sentinel errors: callers test with errors.Is, whether the error came from
// the real library or the fake.
var (
	ErrUninitialized   = errors.New("library not initialised")
	ErrNoDevice        = errors.New("no such device")
	ErrNotSupported    = errors.New("not supported")
	ErrPermission      = errors.New("permission denied")
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrInsufficient means an sGPU does not fit the device's free memory
	// or compute.
	ErrInsufficient = errors.New("not enough free memory or compute")
	// ErrSgpuLimit means the device already holds MaxSgpusPerDevice sGPUs.
	ErrSgpuLimit    = errors.New("sGPU limit of the device reached")
	ErrNotFound     = errors.New("not found")
	ErrDeviceLost   = errors.New("device lost")
	ErrInUse        = errors.New("in use")
	ErrUnknownValue = errors.New("unknown value")
	ErrFailure      = errors.New("library failure")
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

// String is the code's name in the C header.
func (r Return) String() string {
	switch r {
	case Success:
		return "MXSML_Success"
	case Failure:
		return "MXSML_Failure"
	case NoDevice:
		return "MXSML_NoDevice"
	case OperationNotSupported:
		return "MXSML_OperationNotSupported"
	case PermissionDenied:
		return "MXSML_PermissionDenied"
	case OutOfResources:
		return "MXSML_OutOfResources"
	case InvalidInput:
		return "MXSML_InvalidInput"
	case InsufficientSize:
		return "MXSML_InsufficientSize"
	case Uninitialized:
		return "MXSML_Uninitialized"
	case NotFound:
		return "MXSML_NotFound"
	case SgpuLimitReached:
		return "MXSML_SgpuLimitReached"
	case DeviceLost:
		return "MXSML_DeviceLost"
	case InUse:
		return "MXSML_InUse"
	default:
		return fmt.Sprintf("MXSML_Unknown(%d)", int32(r))
	}
}

func (r Return) sentinel() error {
	switch r {
	case NoDevice:
		return ErrNoDevice
	case OperationNotSupported:
		return ErrNotSupported
	case PermissionDenied:
		return ErrPermission
	case OutOfResources:
		return ErrInsufficient
	case InvalidInput, InsufficientSize:
		return ErrInvalidArgument
	case Uninitialized:
		return ErrUninitialized
	case NotFound:
		return ErrNotFound
	case SgpuLimitReached:
		return ErrSgpuLimit
	case DeviceLost:
		return ErrDeviceLost
	case InUse:
		return ErrInUse
	default:
		return ErrFailure
	}
}

// Error is a call that returned a code other than MXSML_Success: it names
// the call and its arguments, the code and its name, and unwraps to the
// matching sentinel error.
type Error struct {
	// Call is the C call with its arguments, e.g. "mxSmlCreateSgpu(2, 1024, 50)".
	Call string
	Code Return
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (%d): %v", e.Call, e.Code, int32(e.Code), e.Code.sentinel())
}

// Unwrap is the sentinel error of the code.
func (e *Error) Unwrap() error { return e.Code.sentinel() }

// check is nil for MXSML_Success and an *Error naming call otherwise.
func check(code int32, call string, args ...any) error {
	if Return(code) == Success {
		return nil
	}
	return &Error{Call: callString(call, args...), Code: Return(code)}
}

// fail is the error the library would return for code; the fake uses it
// so that its errors read like the binding's.
func fail(code Return, call string, args ...any) error {
	return check(int32(code), call, args...)
}

func callString(call string, args ...any) string {
	s := call + "("
	for i, a := range args {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(a)
	}
	return s + ")"
}
