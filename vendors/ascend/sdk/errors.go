package sdk

import "github.com/hami-project/hami/common/sdkerr"

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

// codeNames names each code after "DCMI_ERR_CODE_" (the header spells
// one of them DCMI_ERROR_CODE_NOT_SUPPORT).
func codeNames() map[Code]string {
	return map[Code]string{
		CodeInvalidParameter: "INVALID_PARAMETER", CodeOperNotPermitted: "OPER_NOT_PERMITTED",
		CodeMemOperateFail: "MEM_OPERATE_FAIL", CodeSecureFunFail: "SECURE_FUN_FAIL", CodeInnerErr: "INNER_ERR",
		CodeTimeOut: "TIME_OUT", CodeInvalidDeviceID: "INVALID_DEVICE_ID", CodeDeviceNotExist: "DEVICE_NOT_EXIST",
		CodeIoctlFail: "IOCTL_FAIL", CodeSendMsgFail: "SEND_MSG_FAIL", CodeRecvMsgFail: "RECV_MSG_FAIL",
		CodeNotReady: "NOT_READY", CodeNotSupportInContainer: "NOT_SUPPORT_IN_CONTAINER",
		CodeFileOperateFail: "FILE_OPERATE_FAIL", CodeResetFail: "RESET_FAIL", CodeAbortOperate: "ABORT_OPERATE",
		CodeIsUpgrading: "IS_UPGRADING", CodeResourceOccupied: "RESOURCE_OCCUPIED",
		CodePartitionNotRight: "PARTITION_NOT_RIGHT", CodeConfigureNotRight: "CONFIGURE_NOT_RIGHT",
	}
}

// codes is DCMI's table of return codes. A function, not a package
// variable, so no mutable state is shared.
func codes() sdkerr.Table[Code] {
	sentinel := func(c Code) error {
		switch c {
		case CodeInvalidParameter:
			return sdkerr.ErrInvalidArgument
		case CodeOperNotPermitted:
			return sdkerr.ErrNoPermission
		case CodeInvalidDeviceID:
			return sdkerr.ErrNoDevice
		case CodeDeviceNotExist:
			return sdkerr.ErrNotFound
		case CodeResourceOccupied:
			return sdkerr.ErrInsufficient
		case CodeNotSupport, CodeNotSupportInContainer:
			return sdkerr.ErrNotSupported
		case CodeNotReady:
			return sdkerr.ErrUninitialized
		}
		return nil
	}
	t := sdkerr.Table[Code]{
		Success:   CodeOK,
		Entries:   []sdkerr.Entry[Code]{{Code: CodeOK, Name: "DCMI_OK"}, {Code: CodeNotSupport, Name: "DCMI_ERROR_CODE_NOT_SUPPORT", Sentinel: sentinel(CodeNotSupport)}},
		Unknown:   func(Code) string { return "DCMI_UNKNOWN_CODE" },
		Fallback:  sdkerr.ErrFailure,
		CodeFirst: true,
	}
	for c, name := range codeNames() {
		t.Entries = append(t.Entries, sdkerr.Entry[Code]{Code: c, Name: "DCMI_ERR_CODE_" + name, Sentinel: sentinel(c)})
	}
	return t
}

// Name is the code's name in the DCMI header.
func (c Code) Name() string { return codes().Name(c) }

// Error is a DCMI call that failed: the call with its arguments, e.g.
// "dcmi_get_device_health(0, 1)", and the code it returned; it unwraps to
// the sdkerr sentinel the code means.
type Error = sdkerr.Error[Code]

// check turns a DCMI return value into nil or an *Error.
func check(call string, ret int32) error {
	if ret == int32(CodeOK) {
		return nil
	}
	return callErr(call, Code(ret))
}

// callErr builds the error a call returns for code, as the library would.
func callErr(call string, code Code) error { return codes().At(code, call) }
