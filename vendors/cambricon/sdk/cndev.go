package sdk

// The C ABI of libcndev.so as testdata/cndev.h declares it. Field order and
// types follow the header exactly: Go lays out these structs as a C compiler
// does on 64-bit Linux (the same natural alignment), and binding_test.go
// checks every size against the C mock compiled from the header.

const (
	cndevVersion        = 5 // CNDEV_VERSION_5, set in every struct
	uuidSize            = 37
	nameBufferSize      = 128
	ipAddressSize       = 16
	maxCoreCount        = 80
	maxChannelCount     = 20
	smluMaxProfileCount = 128
	smluItemCount       = 2 // [CNDEV_SMLU_MAX, CNDEV_SMLU_USAGE]
	smluMax             = 0
	mluLinkStateUp      = 1
	healthStateHealthy  = 1
	smluModeEnabled     = 1
)

type cardInfo struct {
	Version int32
	Number  uint32
}

type uuidInfo struct {
	Version   int32
	UUID      [uuidSize]byte
	NcsUUID64 uint64
}

type cardName struct {
	Version int32
	ID      int32
}

type cardSN struct {
	Version       int32
	SN            uint64
	MotherBoardSN uint64
}

type memoryInfoV2 struct {
	Version             int32
	PhysicalMemoryTotal uint64
	PhysicalMemoryUsed  uint64
	ReservedMemory      uint64
	GlobalMemory        uint64
	VirtualMemoryTotal  uint64
	VirtualMemoryUsed   uint64
	ChannelNumber       uint32
	ChannelMemoryUsed   [maxChannelCount]uint64
}

type healthState struct {
	Version int32
	Health  int32
}

type numaNodeID struct {
	Version int32
	NodeID  int32
}

type utilizationInfo struct {
	Version                int32
	AverageCoreUtilization int32
	CoreUtilization        [maxCoreCount]int32
	CoreNumber             int32
}

type mluLinkStatusV2 struct {
	Version       int32
	MacState      int32
	SerdesState   int32
	PresenceState int32
	CableState    int32
}

type mluLinkRemoteInfo struct {
	Version      int32
	McSN         int64
	BaSN         int64
	SlotID       uint32
	PortID       uint32
	DevIP        [ipAddressSize]byte
	UUID         [uuidSize]byte
	DevIPVersion uint32
	IsIPValid    uint32
	ConnectType  int32
	NcsUUID64    uint64
}

type smluSet struct {
	Version    int32
	MLUQuota   [smluItemCount]uint32
	MemorySize [smluItemCount]uint64
}

type smluProfileIDInfo struct {
	Version   int32
	Count     int32
	ProfileID [smluMaxProfileCount]int32
}

type smluProfileInfo struct {
	Version        int32
	ProfileID      int32
	Name           [nameBufferSize]byte
	TotalCapacity  uint32
	RemainCapacity uint32
	MLUQuota       [smluItemCount]uint32
	MemorySize     [smluItemCount]uint64
}

type smluInfo struct {
	Version        int32
	ProfileID      int32
	InstanceID     int32
	InstanceHandle int32
	ProfileName    [nameBufferSize]byte
	UUID           [uuidSize]byte
	DeviceName     [nameBufferSize]byte
	MLUQuota       [smluItemCount]uint32
	MemorySize     [smluItemCount]uint64
}

// cndev is every call the binding makes, bound in one dynlib.Bind.
type cndev struct {
	Init                 func(reserved int32) int32                                   `sym:"cndevInit"`
	Release              func() int32                                                 `sym:"cndevRelease"`
	GetDeviceCount       func(*cardInfo) int32                                        `sym:"cndevGetDeviceCount"`
	GetDeviceHandle      func(index int32, handle *int32) int32                       `sym:"cndevGetDeviceHandleByIndex"`
	GetUUID              func(*uuidInfo, int32) int32                                 `sym:"cndevGetUUID"`
	GetCardName          func(*cardName, int32) int32                                 `sym:"cndevGetCardName"`
	GetCardSN            func(*cardSN, int32) int32                                   `sym:"cndevGetCardSN"`
	GetMemoryUsageV2     func(*memoryInfoV2, int32) int32                             `sym:"cndevGetMemoryUsageV2"`
	GetCardHealthState   func(*healthState, int32) int32                              `sym:"cndevGetCardHealthState"`
	GetNUMANodeID        func(*numaNodeID, int32) int32                               `sym:"cndevGetNUMANodeIdByDevId"`
	GetUtilization       func(*utilizationInfo, int32) int32                          `sym:"cndevGetDeviceUtilizationInfo,optional"`
	GetMLULinkPortNumber func(device int32) int32                                     `sym:"cndevGetMLULinkPortNumber"`
	GetMLULinkStatusV2   func(*mluLinkStatusV2, int32, int32) int32                   `sym:"cndevGetMLULinkStatusV2"`
	GetMLULinkRemoteInfo func(*mluLinkRemoteInfo, int32, int32) int32                 `sym:"cndevGetMLULinkRemoteInfo"`
	GetSMLUMode          func(device int32, mode *int32) int32                        `sym:"cndevGetSMLUMode,optional"`
	CreateSMLUProfile    func(device int32, set *smluSet, id *int32) int32            `sym:"cndevCreateSMluProfileInfo,optional"`
	GetSMLUProfileIDs    func(device int32, ids *smluProfileIDInfo) int32             `sym:"cndevGetSMluProfileIdInfo,optional"`
	GetSMLUProfileInfo   func(device, profile int32, info *smluProfileInfo) int32     `sym:"cndevGetSMluProfileInfo,optional"`
	CreateSMLUInstance   func(device, profile int32, handle *int32, name *byte) int32 `sym:"cndevCreateSMluInstanceByProfileId,optional"`
	GetAllSMLUInstances  func(device int32, count *int32, info *smluInfo) int32       `sym:"cndevGetAllSMluInstanceInfo,optional"`
	DestroySMLUInstance  func(handle int32) int32                                     `sym:"cndevDestroySMluInstanceByHandle,optional"`
	DestroySMLUProfile   func(device, profile int32) int32                            `sym:"cndevDestroySMluProfileInfo,optional"`
}

// hasSMLU reports whether the driver has every sMLU call; older drivers
// have none of them, and then cards are whole-card only.
func (c *cndev) hasSMLU() bool {
	return c.GetSMLUMode != nil && c.CreateSMLUProfile != nil && c.GetSMLUProfileIDs != nil &&
		c.GetSMLUProfileInfo != nil && c.CreateSMLUInstance != nil && c.GetAllSMLUInstances != nil &&
		c.DestroySMLUInstance != nil && c.DestroySMLUProfile != nil
}
