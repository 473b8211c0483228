package sdk

// The C declarations these mirror are in testdata/rocm_smi.h and
// testdata/hydmi.h (this project's reconstruction of the ABI); the binding
// test checks them against a mock built from those headers.

// rsmiFuncs are the librocm_smi64.so calls. rsmi_status_t and the other
// enums are 32-bit unsigned (the headers give them 0xFFFFFFFF members).
type rsmiFuncs struct {
	Init        func(flags uint64) uint32                                `sym:"rsmi_init"`
	ShutDown    func() uint32                                            `sym:"rsmi_shut_down"`
	NumDevices  func(n *uint32) uint32                                   `sym:"rsmi_num_monitor_devices"`
	PCIID       func(dev uint32, bdfid *uint64) uint32                   `sym:"rsmi_dev_pci_id_get"`
	Serial      func(dev uint32, buf *byte, n uint32) uint32             `sym:"rsmi_dev_serial_number_get"`
	DevID       func(dev uint32, id *uint16) uint32                      `sym:"rsmi_dev_id_get"`
	MemTotal    func(dev uint32, memType uint32, total *uint64) uint32   `sym:"rsmi_dev_memory_total_get"`
	MemUsage    func(dev uint32, memType uint32, used *uint64) uint32    `sym:"rsmi_dev_memory_usage_get"`
	BusyPercent func(dev uint32, busy *uint32) uint32                    `sym:"rsmi_dev_busy_percent_get"`
	LinkType    func(src, dst uint32, hops *uint64, kind *uint32) uint32 `sym:"rsmi_topo_get_link_type"`
	NUMANode    func(dev uint32, node *uint32) uint32                    `sym:"rsmi_topo_numa_node_number"`
	UniqueID    func(dev uint32, id *uint64) uint32                      `sym:"rsmi_dev_unique_id_get,optional"`
	RenderMinor func(dev uint32, minor *uint32) uint32                   `sym:"rsmi_dev_drm_render_minor_get,optional"`
}

// rsmi_memory_type_t and RSMI_IO_LINK_TYPE values.
const (
	rsmiMemVRAM  uint32 = 0
	rsmiLinkPCIe uint32 = 1
	rsmiLinkXGMI uint32 = 2
)

// dmiFuncs are the libhydmi.so calls; dmiStatus is a small int enum.
type dmiFuncs struct {
	DeviceCount    func(n *int32) int32                                `sym:"dmiGetDeviceCount"`
	DeviceInfo     func(dev int32, info *dmiDeviceInfo) int32          `sym:"dmiGetDeviceInfo"`
	MaxVDevices    func(n *int32) int32                                `sym:"dmiGetMaxVDeviceCount"`
	VDeviceCount   func(n *int32) int32                                `sym:"dmiGetVDeviceCount"`
	Remaining      func(dev int32, cus, memBytes *uintptr) int32       `sym:"dmiGetDeviceRemainingInfo"`
	VDeviceInfo    func(id int32, info *dmiDeviceInfo) int32           `sym:"dmiGetVDeviceInfo"`
	CreateVDevices func(dev, n int32, cus *int32, memMiB *int32) int32 `sym:"dmiCreateVDevices"`
	DestroyVDevice func(id int32) int32                                `sym:"dmiDestroySingleVDevice"`
	VDevBusy       func(id int32, busy *int32) int32                   `sym:"dmiGetVDevBusyPercent"`
}

// dmiNameSize is DMI_NAME_SIZE.
const dmiNameSize = 256

// dmiDeviceInfo mirrors the C struct; Go's alignment rules put the same
// padding after ComputeUnitCount and DeviceID as a 64-bit C compiler does
// (size_t is uintptr).
type dmiDeviceInfo struct {
	Name             [dmiNameSize]byte
	ComputeUnitCount int32
	GlobalMemSize    uintptr
	UsageMemSize     uintptr
	ContainerID      uint64
	DeviceID         int32
}
