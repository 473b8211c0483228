package sdk

import "strconv"

// ControlFile is the driver's control device every container using a chip
// needs besides the chip's own file.
const ControlFile = "/dev/itrctl"

// DeviceFile is the device file of the chip with minor number minor.
func DeviceFile(minor int) string { return "/dev/iluvatar" + strconv.Itoa(minor) }
