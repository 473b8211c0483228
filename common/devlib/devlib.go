// Package devlib names the calls every vendor's management library offers
// HAMi, whatever the vendor: a vendor's Library interface embeds Core with
// its own device and memory types and adds what only it has (partitions,
// links, health events).
package devlib

// Core is the part of a management library every device plugin needs.
// Devices are named by their index, 0..DeviceCount()-1.
type Core[Device, Memory, Utilization any] interface {
	// Init readies the library; every other call needs it.
	Init() error
	// Shutdown releases what Init took; Init may be called again.
	Shutdown() error
	// DeviceCount is how many devices the library sees.
	DeviceCount() (int, error)
	// Device is the identity and fixed facts of device index.
	Device(index int) (Device, error)
	// Memory is the device's memory.
	Memory(index int) (Memory, error)
	// Utilization is how busy the device is (a percent, 0..100, where
	// the library gives one number).
	Utilization(index int) (Utilization, error)
}
