// Package fleet keeps the webhook's view of the fleet (admission.Fleet) in
// step with the NATS inventory watcher of common/inventory.
package fleet

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"sync/atomic"
	"time"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/webhook/admission"
)

// Source is what the fleet reads: *inventory.Watcher is one.
type Source interface {
	List() []*device.NodeInventory
	Subscribe(buffer int) *inventory.Subscription
}

var _ Source = (*inventory.Watcher)(nil)

// DefaultRefresh is how often the summary is rebuilt without an event: it
// catches events a full buffer dropped.
const DefaultRefresh = 5 * time.Second

// Fleet implements admission.Fleet over a Source.
type Fleet struct {
	src     Source
	refresh time.Duration
	summary atomic.Pointer[admission.FleetSummary]
}

var _ admission.Fleet = (*Fleet)(nil)

// New returns a fleet reading src; call Run to keep it current. refresh <= 0
// means DefaultRefresh.
func New(src Source, refresh time.Duration) *Fleet {
	if refresh <= 0 {
		refresh = DefaultRefresh
	}
	f := &Fleet{src: src, refresh: refresh}
	f.summary.Store(admission.Summarize(src.List()))
	return f
}

// Summary implements admission.Fleet.
func (f *Fleet) Summary() *admission.FleetSummary { return f.summary.Load() }

// Run rebuilds the summary after each batch of inventory events and every
// refresh interval, until ctx ends or the watcher stops.
func (f *Fleet) Run(ctx context.Context) error {
	sub := f.src.Subscribe(256)
	defer sub.Close()
	tick := time.NewTicker(f.refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-sub.Events():
			if !ok {
				return nil
			}
			drain(sub.Events())
		case <-tick.C:
		}
		f.update()
	}
}

// update publishes a new summary only when it differs in what the admitter
// uses, so that heartbeats do not make it rebuild its registry.
func (f *Fleet) update() {
	next := admission.Summarize(f.src.List())
	if !same(f.summary.Load(), next) {
		f.summary.Store(next)
	}
}

func same(a, b *admission.FleetSummary) bool {
	return maps.Equal(a.LargestMemoryMiB, b.LargestMemoryMiB) &&
		maps.EqualFunc(a.Models, b.Models, slices.Equal) &&
		reflect.DeepEqual(resources(a), resources(b))
}

func resources(s *admission.FleetSummary) map[string]device.Resources {
	out := make(map[string]device.Resources, len(s.Published))
	for _, inv := range s.Published {
		out[inv.Vendor] = inv.Resources
	}
	return out
}

func drain(ch <-chan inventory.Event) {
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		default:
			return
		}
	}
}
