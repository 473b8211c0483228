package sdk

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is whether the error came from the
// binding or the fake.
var (
	ErrNotInitialized  = errors.New("dcmi not initialized")
	ErrInvalidArgument = errors.New("invalid argument")
	ErrInvalidDevice   = errors.New("no such device")
	ErrNotFound        = errors.New("not found")
	ErrNoCapacity      = errors.New("not enough free resources on the device")
	ErrNotSupported    = errors.New("not supported")
	ErrNotPermitted    = errors.New("operation not permitted")
	ErrUnknown         = errors.New("dcmi error")
)

// Code is a DCMI return code.
type Code int32

// DCMI return codes (testdata/dcmi_interface_api.h).
const (
	CodeOK                    Code = 0
	CodeInvalidParameter      Code = -8001
	CodeOperNotPermitted      Code = -8002
	CodeMemOperateFail        Code = -8003
	CodeSecureFunFail         Code = -8004
	CodeInnerErr              Code = -8005
	CodeTimeOut               Code = -8006
	CodeInvalidDeviceID       Code = -8007
	CodeDeviceNotExist        Code = -8008
	CodeIoctlFail             Code = -8009
	CodeSendMsgFail           Code = -8010
	CodeRecvMsgFail           Code = -8011
	CodeNotReady              Code = -8012
	CodeNotSupportInContainer Code = -8013
	CodeFileOperateFail       Code = -8014
	CodeResetFail             Code = -8015
	CodeAbortOperate          Code = -8016
	CodeIsUpgrading           Code = -8017
	CodeResourceOccupied      Code = -8020
	CodePartitionNotRight     Code = -8022
	CodeConfigureNotRight     Code = -8023
	CodeNotSupport            Code = -8255
)

type codeInfo struct {
	name     string
	sentinel error
}

// codeInfos names each code and the sentinel it means. A function, not a
// package map, so no mutable state is shared.
func codeInfos(c Code) codeInfo {
	switch c {
	case CodeInvalidParameter:
		return codeInfo{"DCMI_ERR_CODE_INVALID_PARAMETER", ErrInvalidArgument}
	case CodeOperNotPermitted:
		return codeInfo{"DCMI_ERR_CODE_OPER_NOT_PERMITTED", ErrNotPermitted}
	case CodeInvalidDeviceID:
		return codeInfo{"DCMI_ERR_CODE_INVALID_DEVICE_ID", ErrInvalidDevice}
	case CodeDeviceNotExist:
		return codeInfo{"DCMI_ERR_CODE_DEVICE_NOT_EXIST", ErrNotFound}
	case CodeResourceOccupied:
		return codeInfo{"DCMI_ERR_CODE_RESOURCE_OCCUPIED", ErrNoCapacity}
	case CodeNotSupport:
		return codeInfo{"DCMI_ERROR_CODE_NOT_SUPPORT", ErrNotSupported}
	case CodeNotSupportInContainer:
		return codeInfo{"DCMI_ERR_CODE_NOT_SUPPORT_IN_CONTAINER", ErrNotSupported}
	case CodeNotReady:
		return codeInfo{"DCMI_ERR_CODE_NOT_READY", ErrNotInitialized}
	}
	return codeInfo{otherCodeName(c), ErrUnknown}
}

func otherCodeName(c Code) string {
	switch c {
	case CodeMemOperateFail:
		return "DCMI_ERR_CODE_MEM_OPERATE_FAIL"
	case CodeSecureFunFail:
		return "DCMI_ERR_CODE_SECURE_FUN_FAIL"
	case CodeInnerErr:
		return "DCMI_ERR_CODE_INNER_ERR"
	case CodeTimeOut:
		return "DCMI_ERR_CODE_TIME_OUT"
	case CodeIoctlFail:
		return "DCMI_ERR_CODE_IOCTL_FAIL"
	case CodeSendMsgFail:
		return "DCMI_ERR_CODE_SEND_MSG_FAIL"
	case CodeRecvMsgFail:
		return "DCMI_ERR_CODE_RECV_MSG_FAIL"
	case CodeFileOperateFail:
		return "DCMI_ERR_CODE_FILE_OPERATE_FAIL"
	case CodeResetFail:
		return "DCMI_ERR_CODE_RESET_FAIL"
	case CodeAbortOperate:
		return "DCMI_ERR_CODE_ABORT_OPERATE"
	case CodeIsUpgrading:
		return "DCMI_ERR_CODE_IS_UPGRADING"
	case CodePartitionNotRight:
		return "DCMI_ERR_CODE_PARTITION_NOT_RIGHT"
	case CodeConfigureNotRight:
		return "DCMI_ERR_CODE_CONFIGURE_NOT_RIGHT"
	}
	return "DCMI_UNKNOWN_CODE"
}

// Name is the code's name in the DCMI header.
func (c Code) Name() string {
	if c == CodeOK {
		return "DCMI_OK"
	}
	return codeInfos(c).name
}

// Error is a DCMI call that failed, with the code it returned.
type Error struct {
	// Call names the function and its arguments, e.g. "dcmi_get_device_health(0, 1)".
	Call string
	Code Code
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %d %s: %v", e.Call, int32(e.Code), e.Code.Name(), codeInfos(e.Code).sentinel)
}

// Unwrap is the sentinel the code means.
func (e *Error) Unwrap() error { return codeInfos(e.Code).sentinel }

// check turns a DCMI return value into nil or an *Error.
func check(call string, ret int32) error {
	if ret == int32(CodeOK) {
		return nil
	}
	return &Error{Call: call, Code: Code(ret)}
}

// callErr builds the error a call returns for code, as the library would.
func callErr(call string, code Code) error { return &Error{Call: call, Code: code} }
