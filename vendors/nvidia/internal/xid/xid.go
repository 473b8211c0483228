// Package xid owns NVIDIA GPU health: it waits on NVML's XID events and
// reports a GPU unhealthy when an XID says the device is lost. Application
// XIDs (a bad kernel, a page fault in user code) do not make a GPU
// unhealthy. It is the NVIDIA plugin's health.Watch.
package xid

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// DefaultIgnored are errors caused by applications, not the device:
// 13 graphics engine exception, 31 GPU memory page fault, 43 GPU stopped
// processing, 45 preemptive cleanup, 68 video processor exception,
// 109 context switch timeout.
var DefaultIgnored = []uint64{13, 31, 43, 45, 68, 109}

// waitMillis is how long one NVML wait blocks, so ctx is checked that often.
const waitMillis = 1000

// Watch returns the health watch of gpus; XIDs in ignored never make a
// GPU unhealthy. A GPU that cannot register for events is reported
// unhealthy: nobody would learn it is lost.
func Watch(lib nvml.Interface, gpus []discovery.GPU, ignored []uint64) health.Watch {
	ignored = slices.Clone(ignored)
	return func(ctx context.Context, r health.Reporter) error {
		set, ret := lib.EventSetCreate()
		if err := discovery.Check(ret, "create event set"); err != nil {
			return err
		}
		defer func() { _ = set.Free() }()
		for _, g := range gpus {
			if err := register(lib, set, g.UUID); err != nil {
				r.Set(g.UUID, false, "cannot watch GPU events: "+err.Error())
			}
		}
		for ctx.Err() == nil {
			e, ret := set.Wait(waitMillis)
			if ret == nvml.ERROR_TIMEOUT {
				continue
			}
			if ret != nvml.SUCCESS {
				zerolog.Ctx(ctx).Warn().Str("nvml", nvml.ErrorString(ret)).Msg("wait for GPU events")
				continue
			}
			handle(e, ignored, r)
		}
		return nil
	}
}

func register(lib nvml.Interface, set nvml.EventSet, uuid string) error {
	d, ret := lib.DeviceGetHandleByUUID(uuid)
	if err := discovery.Check(ret, "device "+uuid); err != nil {
		return err
	}
	supported, ret := d.GetSupportedEventTypes()
	if err := discovery.Check(ret, "supported events of "+uuid); err != nil {
		return err
	}
	if supported&nvml.EventTypeXidCriticalError == 0 {
		return errors.New("device does not report XID errors")
	}
	return discovery.Check(d.RegisterEvents(nvml.EventTypeXidCriticalError, set), "register events of "+uuid)
}

func handle(e nvml.EventData, ignored []uint64, r health.Reporter) {
	if e.EventType != nvml.EventTypeXidCriticalError || slices.Contains(ignored, e.EventData) || e.Device == nil {
		return
	}
	uuid, ret := e.Device.GetUUID()
	if ret != nvml.SUCCESS {
		return
	}
	r.Set(uuid, false, "XID "+strconv.FormatUint(e.EventData, 10))
}
