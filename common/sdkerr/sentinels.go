package sdkerr

import "errors"

// Sentinels: what a caller decides on, the same for every vendor. Each
// vendor's table maps its codes onto them (several codes share one where a
// caller would act on them alike), so errors.Is works on the binding and
// the fake of any vendor alike.
var (
	// ErrUninitialized: the library's init was not called (or failed).
	ErrUninitialized = errors.New("library not initialised")
	// ErrNoDriver: the kernel driver is not loaded, or the library lacks
	// the functions it needs.
	ErrNoDriver = errors.New("driver not loaded")
	// ErrDriverVersion: the driver is too old or too new for the library.
	ErrDriverVersion = errors.New("driver version mismatch")
	// ErrInvalidArgument: a bad index, handle or value.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNoDevice: no device with that index or id.
	ErrNoDevice = errors.New("no such device")
	// ErrNotFound: no such partition, instance or other object.
	ErrNotFound = errors.New("not found")
	// ErrNotSupported: the card, the driver or the mode cannot do it.
	ErrNotSupported = errors.New("not supported")
	// ErrNoPermission: the caller may not do it.
	ErrNoPermission = errors.New("no permission")
	// ErrInsufficient: it does not fit what the device has left (memory,
	// cores, its count of partitions).
	ErrInsufficient = errors.New("not enough free resources on the device")
	// ErrInUse: the object is in use.
	ErrInUse = errors.New("in use")
	// ErrBusy: the device or the library is busy; try again.
	ErrBusy = errors.New("busy")
	// ErrTimeout: the driver did not answer in time.
	ErrTimeout = errors.New("timeout")
	// ErrDeviceLost: the device fell off the bus or stopped answering.
	ErrDeviceLost = errors.New("device lost")
	// ErrFailure: any other failure of the library or the driver.
	ErrFailure = errors.New("library failure")
)
