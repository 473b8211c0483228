// Package fake owns the fake NVML backend: go-nvml's mock DGX servers
// (dgxa100, dgxh100, dgxh200, dgxb200) with the calls the mocks leave out
// filled in here (NUMA, topology, events, MIG device handles, utilisation),
// stable UUIDs per node, and injectable XID events. Tests and the local demo
// use it; it never touches a real driver.
package fake

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxb200"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh200"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
)

// Systems the fake knows.
var Systems = []string{"dgxa100", "dgxh100", "dgxh200", "dgxb200"}

// Server is a fake NVML.
type Server struct {
	*server.Server
	events chan nvml.EventData
}

var _ nvml.Interface = (*Server)(nil)

// New builds the fake of a system from its description.
func New(desc Description) (*Server, error) {
	if err := desc.Validate(); err != nil {
		return nil, err
	}
	s := &Server{Server: build(desc.System), events: make(chan nvml.EventData, 64)}
	if desc.GPUs > 0 && desc.GPUs < len(s.Devices) {
		s.Devices = s.Devices[:desc.GPUs]
	}
	for i, d := range s.Devices {
		dev := d.(*server.Device)
		dev.UUID = "GPU-" + stableUUID(desc.Seed, fmt.Sprint(i))
		dev.MemoryInfo.Free = dev.MemoryInfo.Total
		if slices.Contains(desc.MIGEnabled, i) {
			dev.MigMode = nvml.DEVICE_MIG_ENABLE
		}
		extendDevice(dev, len(s.Devices), desc.Seed)
	}
	s.EventSetCreateFunc = func() (nvml.EventSet, nvml.Return) { return s.eventSet(), nvml.SUCCESS }
	return s, nil
}

func build(system string) *server.Server {
	switch system {
	case "dgxa100":
		return dgxa100.New()
	case "dgxh200":
		return dgxh200.New()
	case "dgxb200":
		return dgxb200.New()
	default:
		return dgxh100.New()
	}
}

// InjectXID delivers an XID critical-error event for GPU index.
func (s *Server) InjectXID(index int, xid uint64) {
	s.events <- nvml.EventData{Device: s.Devices[index], EventType: nvml.EventTypeXidCriticalError, EventData: xid}
}

func (s *Server) eventSet() nvml.EventSet {
	return &mock.EventSet{
		WaitFunc: func(ms uint32) (nvml.EventData, nvml.Return) {
			select {
			case e := <-s.events:
				return e, nvml.SUCCESS
			case <-time.After(time.Duration(ms) * time.Millisecond):
				return nvml.EventData{}, nvml.ERROR_TIMEOUT
			}
		},
		FreeFunc: func() nvml.Return { return nvml.SUCCESS },
	}
}

// stableUUID derives a UUID-shaped string from the seed and parts, so a
// node's fake GPUs keep their ids across plugin restarts.
func stableUUID(seed string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(seed))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
