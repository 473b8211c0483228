package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/sdkerr"
)

// The sentinels an *Error matches are common/sdkerr's: sdkerr.ErrNotSupported
// (libhydmi.so absent, or a card that does not virtualise),
// sdkerr.ErrInvalidArgument, sdkerr.ErrNotFound (no such virtual device), ErrInsufficient
// (a virtual device does not fit the card's compute units, memory or count
// of virtual devices), ErrUninitialized and sdkerr.ErrBusy (try again).

// Library names an Error's origin.
const (
	LibRSMI = "rsmi"
	LibDMI  = "dmi"
)

// Error is a status a library returned, with its name.
type Error struct {
	// Lib is LibRSMI or LibDMI: the two number their statuses apart.
	Lib  string
	Code int
	Name string
	// kind is the sentinel the status means, or nil.
	kind error
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d)", e.Name, e.Code) }

// Unwrap lets errors.Is match the sentinel.
func (e *Error) Unwrap() error { return e.kind }

// rsmiStatus is the error for a rocm_smi status, nil for success.
func rsmiStatus(code uint32) error {
	if code == 0 {
		return nil
	}
	c, ok := rsmiCodes[code]
	if !ok {
		c = statusCode{name: fmt.Sprintf("RSMI_STATUS_%d", code)}
	}
	return &Error{Lib: LibRSMI, Code: int(code), Name: c.name, kind: c.kind}
}

// dmiStatus is the error for a hydmi status, nil for success.
func dmiStatus(code int32) error {
	if code == 0 {
		return nil
	}
	c, ok := dmiCodes[code]
	if !ok {
		c = statusCode{name: fmt.Sprintf("DMI_STATUS_%d", code)}
	}
	return &Error{Lib: LibDMI, Code: int(code), Name: c.name, kind: c.kind}
}

type statusCode struct {
	name string
	kind error
}

// rocm_smi statuses (testdata/rocm_smi.h).
const (
	rsmiInvalidArgs    uint32 = 1
	rsmiNotSupported   uint32 = 2
	rsmiFileError      uint32 = 3
	rsmiOutOfBounds    uint32 = 7
	rsmiInitError      uint32 = 8
	rsmiNotImplemented uint32 = 9
)

var rsmiCodes = map[uint32]statusCode{
	rsmiInvalidArgs:    {"RSMI_STATUS_INVALID_ARGS", sdkerr.ErrInvalidArgument},
	rsmiNotSupported:   {"RSMI_STATUS_NOT_SUPPORTED", sdkerr.ErrNotSupported},
	rsmiFileError:      {"RSMI_STATUS_FILE_ERROR", nil},
	4:                  {"RSMI_STATUS_PERMISSION", nil},
	5:                  {"RSMI_STATUS_OUT_OF_RESOURCES", sdkerr.ErrInsufficient},
	6:                  {"RSMI_STATUS_INTERNAL_EXCEPTION", nil},
	rsmiOutOfBounds:    {"RSMI_STATUS_INPUT_OUT_OF_BOUNDS", sdkerr.ErrInvalidArgument},
	rsmiInitError:      {"RSMI_STATUS_INIT_ERROR", sdkerr.ErrUninitialized},
	rsmiNotImplemented: {"RSMI_STATUS_NOT_YET_IMPLEMENTED", sdkerr.ErrNotSupported},
	10:                 {"RSMI_STATUS_NOT_FOUND", sdkerr.ErrNotFound},
	11:                 {"RSMI_STATUS_INSUFFICIENT_SIZE", nil},
	12:                 {"RSMI_STATUS_INTERRUPT", nil},
	13:                 {"RSMI_STATUS_UNEXPECTED_SIZE", nil},
	14:                 {"RSMI_STATUS_NO_DATA", nil},
	15:                 {"RSMI_STATUS_UNEXPECTED_DATA", nil},
	16:                 {"RSMI_STATUS_BUSY", sdkerr.ErrBusy},
	17:                 {"RSMI_STATUS_REFCOUNT_OVERFLOW", nil},
	0xFFFFFFFF:         {"RSMI_STATUS_UNKNOWN_ERROR", nil},
}

// hydmi statuses (testdata/hydmi.h).
const (
	dmiNotSupported     int32 = 6
	dmiInvalidArgs      int32 = 10
	dmiOutOfResources   int32 = 11
	dmiNotInitialized   int32 = 13
	dmiVDevNotExist     int32 = 15
	dmiDeviceBusy       int32 = 17
	dmiDeviceNotSupport int32 = 14
)

var dmiCodes = map[int32]statusCode{
	1:                   {"DMI_STATUS_ERROR", nil},
	2:                   {"DMI_STATUS_NO_MEMORY", nil},
	3:                   {"DMI_STATUS_OPEN_MKFD_FAILED", nil},
	4:                   {"DMI_STATUS_MKFD_ALREADY_OPENED", sdkerr.ErrBusy},
	5:                   {"DMI_STATUS_SYS_NODE_NOT_EXIST", nil},
	dmiNotSupported:     {"DMI_STATUS_NOT_SUPPORTED", sdkerr.ErrNotSupported},
	7:                   {"DMI_STATUS_MKFD_NOT_OPENED", nil},
	8:                   {"DMI_STATUS_CREATE_VDEV_FAILED", nil},
	9:                   {"DMI_STATUS_DESTROY_VDEV_FAILED", nil},
	dmiInvalidArgs:      {"DMI_STATUS_INVALID_ARGUMENTS", sdkerr.ErrInvalidArgument},
	dmiOutOfResources:   {"DMI_STATUS_OUT_OF_RESOURCES", sdkerr.ErrInsufficient},
	12:                  {"DMI_STATUS_QUERY_VDEV_INFO_FAILED", nil},
	dmiNotInitialized:   {"DMI_STATUS_ERROR_NOT_INITIALIZED", sdkerr.ErrUninitialized},
	dmiDeviceNotSupport: {"DMI_STATUS_DEVICE_NOT_SUPPORT", sdkerr.ErrNotSupported},
	dmiVDevNotExist:     {"DMI_STATUS_VDEV_NOT_EXIST", sdkerr.ErrNotFound},
	16:                  {"DMI_STATUS_INIT_DEVICE_FAILED", nil},
	dmiDeviceBusy:       {"DMI_STATUS_DEVICE_BUSY", sdkerr.ErrBusy},
	18:                  {"DMI_STATUS_FILE_ERROR", nil},
	19:                  {"DMI_STATUS_PERMISSION", nil},
	20:                  {"DMI_STATUS_INTERNAL_EXCEPTION", nil},
	21:                  {"DMI_STATUS_INPUT_OUT_OF_BOUNDS", sdkerr.ErrInvalidArgument},
	22:                  {"DMI_STATUS_SMI_INIT_ERROR", nil},
	23:                  {"DMI_STATUS_NOT_FOUND", sdkerr.ErrNotFound},
	24:                  {"DMI_STATUS_INSUFFICIENT_SIZE", nil},
	25:                  {"DMI_STATUS_INTERRUPT", nil},
	26:                  {"DMI_STATUS_UNEXPECTED_SIZE", nil},
	27:                  {"DMI_STATUS_NO_DATA", nil},
	28:                  {"DMI_STATUS_UNEXPECTED_DATA", nil},
	29:                  {"DMI_STATUS_SMI_BUSY", sdkerr.ErrBusy},
	30:                  {"DMI_STATUS_REFCOUNT_OVERFLOW", nil},
	31:                  {"DMI_STATUS_NOT_YET_IMPLEMENTED", sdkerr.ErrNotSupported},
	32:                  {"DMI_STATUS_UNKNOWN_ERROR", nil},
}

// errNoDMI is what every virtual-device call returns without libhydmi.so.
var errNoDMI = fmt.Errorf("libhydmi.so is not loaded (driver without virtual DCUs): %w", sdkerr.ErrNotSupported)
