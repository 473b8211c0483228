package sdk

import "strconv"

// PhysicalDevicePath is the node of physical NPU phyID.
func PhysicalDevicePath(phyID uint32) string {
	return "/dev/davinci" + strconv.FormatUint(uint64(phyID), 10)
}

// VirtualDevicePath is the node of vNPU id.
func VirtualDevicePath(id uint32) string {
	return "/dev/vdavinci" + strconv.FormatUint(uint64(id), 10)
}

// MaxPartitionsPerDevice is how many vNPUs one die holds at most.
const MaxPartitionsPerDevice = 16

// firstVDevID is where vNPU ids start; ids below are physical devices.
const firstVDevID = 100

// VDevID is the vNPU id of slot on physical device phyID: the driver
// numbers vNPUs from 100 upwards, 16 per device, so ids never collide
// with physical ones (this project's reconstruction of the driver's rule;
// code above the SDK must read the id the SDK returns, never compute it).
func VDevID(phyID uint32, slot int) uint32 {
	return firstVDevID + phyID*MaxPartitionsPerDevice + uint32(slot)
}
