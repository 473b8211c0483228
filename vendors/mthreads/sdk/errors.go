package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/sdkerr"
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

// returnNames are the codes' C names after "MTML_", by code.
func returnNames() map[Return]string {
	return map[Return]string{
		Success: "SUCCESS", ErrorDriverNotLoaded: "ERROR_DRIVER_NOT_LOADED",
		ErrorDriverFailure: "ERROR_DRIVER_FAILURE", ErrorInvalidArgument: "ERROR_INVALID_ARGUMENT",
		ErrorNotSupported: "ERROR_NOT_SUPPORTED", ErrorNoPermission: "ERROR_NO_PERMISSION",
		ErrorInsufficientSize: "ERROR_INSUFFICIENT_SIZE", ErrorNotFound: "ERROR_NOT_FOUND",
		ErrorInsufficientMemory: "ERROR_INSUFFICIENT_MEMORY", ErrorDriverTooOld: "ERROR_DRIVER_TOO_OLD",
		ErrorDriverTooNew: "ERROR_DRIVER_TOO_NEW", ErrorTimeout: "ERROR_TIMEOUT", ErrorUnknown: "ERROR_UNKNOWN",
	}
}

// codes is MTML's table of return codes: each unwraps to the sdkerr
// sentinel it means, several sharing one; codes it does not know match
// none.
func codes() sdkerr.Table[Return] {
	means := map[error][]Return{
		sdkerr.ErrNoDriver: {ErrorDriverNotLoaded}, sdkerr.ErrInvalidArgument: {ErrorInvalidArgument},
		sdkerr.ErrNotSupported: {ErrorNotSupported}, sdkerr.ErrNoPermission: {ErrorNoPermission},
		sdkerr.ErrNotFound: {ErrorNotFound}, sdkerr.ErrInsufficient: {ErrorInsufficientSize, ErrorInsufficientMemory},
		sdkerr.ErrDriverVersion: {ErrorDriverTooOld, ErrorDriverTooNew},
		sdkerr.ErrFailure:       {ErrorDriverFailure, ErrorTimeout, ErrorUnknown},
	}
	t := sdkerr.Table[Return]{Success: Success, Unknown: func(r Return) string { return fmt.Sprintf("MTML_ERROR_%d", int32(r)) }}
	for r, name := range returnNames() {
		e := sdkerr.Entry[Return]{Code: r, Name: "MTML_" + name}
		for sentinel, rs := range means {
			if slices.Contains(rs, r) {
				e.Sentinel = sentinel
			}
		}
		t.Entries = append(t.Entries, e)
	}
	return t
}

// String is the C name of the code.
func (r Return) String() string { return codes().Name(r) }

// Error is a failed MTML call: the call, the code the library returned and
// its name; it unwraps to the sentinel the code means, so callers need not
// know the codes.
type Error = sdkerr.Error[Return]

// callError is the error of call(arg) returning code, nil on success, in the
// form every binding and fake error takes: "mtmlDeviceGetUUID(2): MTML_... (7)".
func callError(call string, arg int, code Return) error {
	return codes().Check(code, call, arg)
}
