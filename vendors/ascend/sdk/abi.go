package sdk

// Go mirrors of the structs in testdata/dcmi_interface_api.h, field for
// field (C's implicit padding written out), for LP64 Linux. binding_test.go
// checks sizes and offsets against what the C compiler lays out.

const (
	chipNameLen     = 32
	dieIDCount      = 5
	maxVDevNum      = 1024
	maxVFGNum       = 32
	vdevResNameLen  = 16
	vdevIDAny       = 0xFFFFFFFF
	dieTypeNDIE     = 0
	utilAICore      = 2
	mainCmdVDevMng  = 52
	subCmdVDevRes   = 0
	subCmdTotalRes  = 1
	templateNameLen = 32
)

type cChipInfo struct {
	ChipType  [chipNameLen]byte
	ChipName  [chipNameLen]byte
	ChipVer   [chipNameLen]byte
	AICoreCnt uint32
}

type cDieID struct {
	SocDie [dieIDCount]uint32
}

type cMemoryInfo struct {
	MemorySize      uint64
	MemoryAvailable uint64
	Freq            uint32
	_               [4]byte
	HugePageSize    uint64
	HugePagesTotal  uint64
	HugePagesFree   uint64
	Utiliza         uint32
	Reserve         [60]byte
}

type cHBMInfo struct {
	MemorySize        uint64
	Freq              uint32
	_                 [4]byte
	MemoryUsage       uint64
	Temp              int32
	BandwidthUtilRate uint32
}

type cCreateVDevRes struct {
	VDevID       uint32
	VFGID        uint32
	TemplateName [templateNameLen]byte
	Reserved     [64]byte
}

type cCreateVDevOut struct {
	VDevID     uint32
	PCIeBus    uint32
	PCIeDevice uint32
	PCIeFunc   uint32
	VFGID      uint32
	Reserved   [32]byte
}

type cBaseResource struct {
	Token       uint64
	TokenMax    uint64
	TaskTimeout uint64
	VFGID       uint32
	VIPMode     uint8
	Reserved    [19]byte
}

type cComputingResource struct {
	AIC                float32
	AIV                float32
	DSA                uint16
	RTSQ               uint16
	ACSQ               uint16
	CDQM               uint16
	CCore              uint16
	FFTS               uint16
	SDMA               uint16
	PCIeDMA            uint16
	MemorySize         uint64
	EventID            uint32
	NotifyID           uint32
	StreamID           uint32
	ModelID            uint32
	TopicScheduleAICPU uint16
	HostCtrlCPU        uint16
	HostAICPU          uint16
	DeviceAICPU        uint16
	TopicCtrlCPUSlot   uint16
	Reserved           [54]byte
}

type cMediaResource struct {
	JPEGD    float32
	JPEGE    float32
	VPC      float32
	VDEC     float32
	PNGD     float32
	VENC     float32
	Reserved [64]byte
}

type cVDevQueryInfo struct {
	Name            [vdevResNameLen]byte
	Status          uint32
	IsContainerUsed uint32
	VFID            uint32
	VFGID           uint32
	ContainerID     uint64
	Base            cBaseResource
	Computing       cComputingResource
	Media           cMediaResource
}

type cVDevQuery struct {
	VDevID    uint32
	_         [4]byte
	QueryInfo cVDevQueryInfo
}

type cSocTotalResource struct {
	VDevNum   uint32
	VDevID    [maxVDevNum]uint32
	VFGNum    uint32
	VFGID     [maxVFGNum]uint32
	Base      cBaseResource
	Computing cComputingResource
	Media     cMediaResource
}

type cPCIeInfo struct {
	VenderID    uint32
	SubVenderID uint32
	DeviceID    uint32
	SubDeviceID uint32
	Domain      int32
	BDFBusID    uint32
	BDFDeviceID uint32
	BDFFuncID   uint32
	Reserve     [32]byte
}
