package sdk

// The C ABI of libmtml.so as testdata/mtml.h reconstructs it. Handles are
// opaque pointers, carried as uintptr; every function returns MtmlReturn
// (a C int).

// mtml is every function the binding calls, bound in one dynlib.Bind.
type mtml struct {
	LibraryInit       func(lib *uintptr) Return                            `sym:"mtmlLibraryInit"`
	LibraryShutDown   func(lib uintptr) Return                             `sym:"mtmlLibraryShutDown"`
	CountDevice       func(lib uintptr, count *uint32) Return              `sym:"mtmlLibraryCountDevice"`
	InitDeviceByIndex func(lib uintptr, index uint32, dev *uintptr) Return `sym:"mtmlLibraryInitDeviceByIndex"`

	GetIndex  func(dev uintptr, index *uint32) Return            `sym:"mtmlDeviceGetIndex"`
	GetName   func(dev uintptr, buf *byte, length uint32) Return `sym:"mtmlDeviceGetName"`
	GetUUID   func(dev uintptr, buf *byte, length uint32) Return `sym:"mtmlDeviceGetUUID"`
	GetSerial func(dev uintptr, length uint32, buf *byte) Return `sym:"mtmlDeviceGetSerialNumber,optional"`
	GetPci    func(dev uintptr, pci *pciInfo) Return             `sym:"mtmlDeviceGetPciInfo"`

	InitMemory     func(dev uintptr, mem *uintptr) Return  `sym:"mtmlDeviceInitMemory"`
	FreeMemory     func(mem uintptr) Return                `sym:"mtmlDeviceFreeMemory"`
	MemoryGetTotal func(mem uintptr, total *uint64) Return `sym:"mtmlMemoryGetTotal"`
	MemoryGetUsed  func(mem uintptr, used *uint64) Return  `sym:"mtmlMemoryGetUsed"`

	InitGpu           func(dev uintptr, gpu *uintptr) Return `sym:"mtmlDeviceInitGpu"`
	FreeGpu           func(gpu uintptr) Return               `sym:"mtmlDeviceFreeGpu"`
	GpuGetUtilization func(gpu uintptr, util *uint32) Return `sym:"mtmlGpuGetUtilization"`

	GetTopologyLevel      func(dev1, dev2 uintptr, level *int32) Return          `sym:"mtmlDeviceGetTopologyLevel"`
	GetMtLinkSpec         func(dev uintptr, spec *mtLinkSpec) Return             `sym:"mtmlDeviceGetMtLinkSpec,optional"`
	GetMtLinkState        func(dev uintptr, link uint32, state *int32) Return    `sym:"mtmlDeviceGetMtLinkState"`
	GetMtLinkRemoteDevice func(dev uintptr, link uint32, remote *uintptr) Return `sym:"mtmlDeviceGetMtLinkRemoteDevice"`

	CountSupportedVirtTypes func(dev uintptr, count *uint32) Return                 `sym:"mtmlDeviceCountSupportedVirtTypes"`
	GetSupportedVirtTypes   func(dev uintptr, types *virtType, count uint32) Return `sym:"mtmlDeviceGetSupportedVirtTypes"`
	CountActiveVirtDevices  func(dev uintptr, count *uint32) Return                 `sym:"mtmlDeviceCountActiveVirtDevices"`
}

// Buffer sizes from mtml.h.
const (
	nameBufferSize   = 32
	uuidBufferSize   = 48
	serialBufferSize = 64
	sbdfBufferSize   = 32
)

// MtmlDeviceTopologyLevel.
const (
	topologyInternal   int32 = 0
	topologySingle     int32 = 1
	topologyMultiple   int32 = 2
	topologyHostBridge int32 = 3
	topologyNode       int32 = 4
)

// MtmlMtLinkState.
const (
	mtLinkUp        int32 = 1
	mtLinkDowngrade int32 = 2
)

// pciInfo is MtmlPciInfo (112 bytes).
type pciInfo struct {
	SBDF           [sbdfBufferSize]byte
	Segment        uint32
	Bus            uint32
	Device         uint32
	PciDeviceID    uint32 // device id << 16 | vendor id
	PciSubsystemID uint32
	BusWidth       uint32
	PciMaxSpeed    float32
	PciCurSpeed    float32
	PciMaxWidth    uint32
	PciCurWidth    uint32
	PciMaxGen      uint32
	PciCurGen      uint32
	Rsvd           [8]int32
}

// mtLinkSpec is MtmlMtLinkSpec (32 bytes).
type mtLinkSpec struct {
	Version   uint32
	BandWidth uint32
	LinkNum   uint32
	Rsvd      [5]uint32
}

// virtType is MtmlVirtType (132 bytes).
type virtType struct {
	ID                   [16]byte
	Name                 [32]byte
	API                  [16]byte
	HorizontalResolution uint32
	VerticalResolution   uint32
	FrameBuffer          uint32 // MiB
	MaxEncodeNum         uint32
	MaxDecodeNum         uint32
	MaxInstances         uint32
	MaxVirtualDisplay    uint32
	Rsvd                 [10]int32
}
