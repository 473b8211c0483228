package inventory

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/device"
)

// sync reads the bucket's current content, which the watch delivers first
// and ends with a nil entry, and reconciles the index with it.
func (w *Watcher) sync(ctx context.Context, updates <-chan jetstream.KeyValueEntry, reconnected <-chan nats.Status) error {
	next := map[string]*Entry{}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-reconnected:
			return errReconnected
		case kve, ok := <-updates:
			if !ok {
				return errWatchClosed
			}
			if kve == nil {
				w.tracker.reconcile(next, w.opts.clock())
				w.commit()
				w.markSynced()
				zerolog.Ctx(ctx).Info().Int("entries", len(next)).Str("bucket", w.opts.bucket).Msg("inventory synced")
				return nil
			}
			w.collect(ctx, next, kve)
		}
	}
}

// collect adds one entry of the initial content to next. A rejected value
// keeps the entry we had, as a rejected live update does (see apply).
func (w *Watcher) collect(ctx context.Context, next map[string]*Entry, kve jetstream.KeyValueEntry) {
	key := kve.Key()
	if kve.Operation() != jetstream.KeyValuePut {
		delete(next, key)
		return
	}
	if e := w.decode(ctx, kve); e != nil {
		next[key] = e
	} else if old, ok := w.tracker.entries[key]; ok {
		next[key] = old
	}
}

// follow applies live changes until the watch ends. Changes already queued
// are applied together, so a burst of heartbeats builds one index, not one
// per key.
func (w *Watcher) follow(ctx context.Context, updates <-chan jetstream.KeyValueEntry, reconnected <-chan nats.Status) error {
	ticker := time.NewTicker(w.opts.staleCheck)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-reconnected:
			return errReconnected
		case <-ticker.C:
			w.tracker.checkStale(w.opts.clock())
		case kve, ok := <-updates:
			if !ok {
				return errWatchClosed
			}
			w.apply(ctx, kve)
			w.applyQueued(ctx, updates)
		}
		w.commit()
	}
}

func (w *Watcher) applyQueued(ctx context.Context, updates <-chan jetstream.KeyValueEntry) {
	for range cap(updates) {
		select {
		case kve, ok := <-updates:
			if !ok {
				// Seen again, and handled, by follow's next receive.
				return
			}
			w.apply(ctx, kve)
		default:
			return
		}
	}
}

// apply records one live change. A value that is not a valid inventory for
// its key is skipped and the previous entry kept: it expires by its TTL
// unless a valid value follows, so one bad put does not drop a node at once.
func (w *Watcher) apply(ctx context.Context, kve jetstream.KeyValueEntry) {
	if kve == nil {
		return
	}
	if kve.Operation() != jetstream.KeyValuePut {
		w.tracker.remove(kve.Key())
		return
	}
	if e := w.decode(ctx, kve); e != nil {
		w.tracker.put(e, w.opts.clock())
	}
}

// decode returns the entry of a put, or nil after logging and counting why
// the value was rejected.
func (w *Watcher) decode(ctx context.Context, kve jetstream.KeyValueEntry) *Entry {
	inv, err := device.Decode(kve.Value())
	if err == nil && inv.Key() != kve.Key() {
		err = fmt.Errorf("inventory of %s stored under another key", inv.Key())
	}
	if err != nil {
		w.metrics.rejected.Inc()
		zerolog.Ctx(ctx).Warn().Err(err).Str("key", kve.Key()).Uint64("revision", kve.Revision()).
			Msg("skip invalid inventory")
		return nil
	}
	return newEntry(kve.Key(), inv, kve.Revision(), w.opts.clock())
}
