package sdk

// The C ABI of libmxsml as testdata/mxsml.h declares it. The structs are
// passed by pointer, so their Go layouts must match the C ones field for
// field; binding_test.go compares sizes and offsets with the mock's.

const (
	bdfIDSize      = 32
	uuidSize       = 96
	deviceNameSize = 32
	serialSize     = 32
)

// cDeviceInfo is mxSmlDeviceInfo_t.
type cDeviceInfo struct {
	DeviceID   uint32
	Type       int32
	BdfID      [bdfIDSize]byte
	GpuID      uint32
	NodeID     uint32
	UUID       [uuidSize]byte
	Brand      int32
	Mode       int32
	DeviceName [deviceNameSize]byte
	Serial     [serialSize]byte
	NUMANode   int32
}

// cMemoryInfo is mxSmlMemoryInfo_t; sizes in KB (C long: 64-bit on the
// LP64 Linux targets HAMi supports).
type cMemoryInfo struct {
	VisVramTotal int64
	VisVramUse   int64
	VramTotal    int64
	VramUse      int64
	XttTotal     int64
	XttUse       int64
}

// cTopology is mxSmlDeviceTopology_t.
type cTopology struct {
	TopologyType int32
	Hops         uint32
}

// cMetaXLinkInfo is mxSmlMetaXLinkInfo_t.
type cMetaXLinkInfo struct {
	Links        uint32
	BandwidthGBs uint32
}

// cSgpuInfo is mxSmlSgpuInfo_t.
type cSgpuInfo struct {
	SgpuID         uint32
	MemoryMb       uint32
	ComputePercent uint32
	MemoryUsedMb   uint32
}

// mxSmlUsageIp_t values.
const usageXcore int32 = 2

// mxSmlTopologyType_t values.
const (
	topologyInternal int32 = iota
	topologySingle
	topologyMultiple
	topologyHostBridge
	topologyNode
	topologySystem
)

// topologyKind is the link kind of a PCIe topology type.
func topologyKind(t int32) LinkKind {
	switch t {
	case topologyInternal, topologySingle:
		return LinkPCIeSwitch
	case topologyMultiple:
		return LinkPCIeMulti
	case topologyHostBridge:
		return LinkHostBridge
	case topologyNode:
		return LinkNUMANode
	case topologySystem:
		return LinkSystem
	default:
		return ""
	}
}

// mxsml is the library's functions, bound by symbol name.
type mxsml struct {
	Init            func() int32                                                 `sym:"mxSmlInit"`
	DeviceCount     func(count *uint32) int32                                    `sym:"mxSmlGetDeviceCount"`
	DeviceInfo      func(dev uint32, info *cDeviceInfo) int32                    `sym:"mxSmlGetDeviceInfo"`
	MemoryInfo      func(dev uint32, info *cMemoryInfo) int32                    `sym:"mxSmlGetMemoryInfo"`
	IPUsage         func(dev uint32, ip int32, usage *int32) int32               `sym:"mxSmlGetDeviceIpUsage"`
	Topology        func(src, dst uint32, topo *cTopology) int32                 `sym:"mxSmlGetDeviceTopology"`
	MetaXLinkInfo   func(src, dst uint32, info *cMetaXLinkInfo) int32            `sym:"mxSmlGetMetaXLinkInfo"`
	SgpuToggle      func(dev uint32, enabled *int32) int32                       `sym:"mxSmlGetSgpuToggle"`
	CreateSgpu      func(dev, memoryMb, computePercent uint32, id *uint32) int32 `sym:"mxSmlCreateSgpu"`
	RemoveSgpu      func(dev, id uint32) int32                                   `sym:"mxSmlRemoveSgpu"`
	SgpuCount       func(dev uint32, count *uint32) int32                        `sym:"mxSmlGetSgpuCount"`
	SgpuInfo        func(dev, index uint32, info *cSgpuInfo) int32               `sym:"mxSmlGetSgpuInfo"`
	SetComputeQuota func(dev, id, computePercent uint32) int32                   `sym:"mxSmlSetSgpuComputeQuota"`
	SchedClass      func(dev uint32, class *int32) int32                         `sym:"mxSmlGetDeviceSchedClass"`
}
