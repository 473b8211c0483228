// Package health owns GPU health: it waits on NVML events and marks a GPU
// unhealthy when an XID error says the device is lost. Application XIDs
// (a bad kernel, a page fault in user code) do not make a GPU unhealthy.
package health

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// DefaultIgnoredXIDs are errors caused by applications, not the device:
// 13 graphics engine exception, 31 GPU memory page fault, 43 GPU stopped
// processing, 45 preemptive cleanup, 68 video processor exception,
// 109 context switch timeout.
var DefaultIgnoredXIDs = []uint64{13, 31, 43, 45, 68, 109}

// waitMillis is how long one NVML wait blocks, so ctx is checked that often.
const waitMillis = 1000

// Tracker holds each GPU's health and watches NVML events.
type Tracker struct {
	lib     nvml.Interface
	ignored []uint64

	// mu guards unhealthy.
	mu        sync.Mutex
	unhealthy map[string]uint64 // uuid -> the XID that made it unhealthy
	changes   chan struct{}
}

// NewTracker returns a Tracker; XIDs in ignored never mark a GPU unhealthy.
func NewTracker(lib nvml.Interface, ignored []uint64) *Tracker {
	return &Tracker{lib: lib, ignored: slices.Clone(ignored), unhealthy: map[string]uint64{}, changes: make(chan struct{}, 1)}
}

// Healthy reports the GPU's health.
func (t *Tracker) Healthy(uuid string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, bad := t.unhealthy[uuid]
	return !bad
}

// Changes signals (coalesced) whenever a GPU's health changed.
func (t *Tracker) Changes() <-chan struct{} { return t.changes }

// MarkUnhealthy records a lost GPU and signals a change.
func (t *Tracker) MarkUnhealthy(uuid string, xid uint64) {
	t.mu.Lock()
	_, was := t.unhealthy[uuid]
	t.unhealthy[uuid] = xid
	t.mu.Unlock()
	if !was {
		select {
		case t.changes <- struct{}{}:
		default:
		}
	}
}

// Watch registers for XID events on every GPU and handles them until ctx
// ends. A GPU that cannot register for events is marked unhealthy: nobody
// would learn it is lost.
func (t *Tracker) Watch(ctx context.Context, gpus []discovery.GPU) error {
	log := zerolog.Ctx(ctx)
	set, ret := t.lib.EventSetCreate()
	if err := discovery.Check(ret, "create event set"); err != nil {
		return err
	}
	defer func() { _ = set.Free() }()
	for _, g := range gpus {
		if err := t.register(set, g.UUID); err != nil {
			log.Error().Err(err).Str("gpu", g.UUID).Msg("cannot watch GPU events; marking unhealthy")
			t.MarkUnhealthy(g.UUID, 0)
		}
	}
	for ctx.Err() == nil {
		e, ret := set.Wait(waitMillis)
		if ret == nvml.ERROR_TIMEOUT {
			continue
		}
		if ret != nvml.SUCCESS {
			log.Warn().Str("nvml", nvml.ErrorString(ret)).Msg("wait for GPU events")
			continue
		}
		t.handle(ctx, e)
	}
	return nil
}

func (t *Tracker) register(set nvml.EventSet, uuid string) error {
	d, ret := t.lib.DeviceGetHandleByUUID(uuid)
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

func (t *Tracker) handle(ctx context.Context, e nvml.EventData) {
	if e.EventType != nvml.EventTypeXidCriticalError || slices.Contains(t.ignored, e.EventData) || e.Device == nil {
		return
	}
	uuid, ret := e.Device.GetUUID()
	if ret != nvml.SUCCESS {
		return
	}
	zerolog.Ctx(ctx).Error().Str("gpu", uuid).Uint64("xid", e.EventData).Msg("GPU lost: marking unhealthy")
	t.MarkUnhealthy(uuid, e.EventData)
}
