package inventory

import (
	"maps"
	"reflect"
	"slices"
	"time"
)

// tracker is the watcher's mutable state, owned by its Run goroutine. It
// turns bucket changes and the passing of time into entries and events, and
// commits them as an immutable index.
type tracker struct {
	entries map[string]*Entry
	m       *metrics
	// dirty is set when entries changed since the last commit; keysChanged
	// when a key was added or removed.
	dirty, keysChanged bool
	events             []Event
}

func newTracker(m *metrics) *tracker {
	return &tracker{entries: map[string]*Entry{}, m: m}
}

// put records a valid inventory; e.Stale is decided here.
func (t *tracker) put(e *Entry, now time.Time) {
	old := t.entries[e.Key]
	e.Stale = e.Inventory.Expired(now)
	t.entries[e.Key] = e
	t.dirty = true
	t.keysChanged = t.keysChanged || old == nil
	switch {
	case e.Stale && (old == nil || !old.Stale):
		t.emit(EventStale, e)
	case e.Stale:
	case old != nil && old.Stale:
		t.emit(EventFresh, e)
	case old == nil || !sameContent(old, e):
		t.emit(EventPut, e)
	}
}

// remove forgets a key after a delete or purge marker.
func (t *tracker) remove(key string) {
	old, ok := t.entries[key]
	if !ok {
		return
	}
	delete(t.entries, key)
	t.dirty, t.keysChanged = true, true
	t.m.age.DeleteLabelValues(old.Inventory.Vendor, old.Inventory.Node)
	t.emit(EventDelete, old)
}

// reconcile makes the entries equal to next, the bucket's content after a
// (re)sync: keys missing from next were deleted while we were not watching.
func (t *tracker) reconcile(next map[string]*Entry, now time.Time) {
	for key := range t.entries {
		if _, ok := next[key]; !ok {
			t.remove(key)
		}
	}
	for _, e := range next {
		if t.entries[e.Key] != e {
			t.put(e, now)
		}
	}
}

// checkStale marks entries whose TTL has passed, and unmarks ones the clock
// no longer finds expired; it also refreshes the age gauges.
func (t *tracker) checkStale(now time.Time) {
	for key, e := range t.entries {
		inv := e.Inventory
		t.m.age.WithLabelValues(inv.Vendor, inv.Node).Set(now.Sub(inv.PublishedAt).Seconds())
		expired := inv.Expired(now)
		if expired == e.Stale {
			continue
		}
		c := *e
		c.Stale = expired
		t.entries[key] = &c
		t.dirty = true
		if expired {
			t.emit(EventStale, &c)
		} else {
			t.emit(EventFresh, &c)
		}
	}
}

func (t *tracker) emit(typ EventType, e *Entry) {
	t.events = append(t.events, Event{Type: typ, Key: e.Key, Inventory: e.Inventory, Revision: e.Revision})
}

// commit returns the index to publish (prev when nothing changed) and the
// events to send once it is published.
func (t *tracker) commit(prev *index) (*index, []Event) {
	events := t.events
	t.events = nil
	if !t.dirty {
		return prev, events
	}
	next := &index{entries: maps.Clone(t.entries), keys: prev.keys}
	if t.keysChanged {
		next.keys = slices.Sorted(maps.Keys(t.entries))
	}
	t.dirty, t.keysChanged = false, false
	t.updateGauges()
	return next, events
}

func (t *tracker) updateGauges() {
	stale := 0
	for _, e := range t.entries {
		if e.Stale {
			stale++
		}
	}
	t.m.entries.Set(float64(len(t.entries)))
	t.m.stale.Set(float64(stale))
}

// sameContent reports whether two inventories differ only in publishedAt,
// i.e. the newer one is a heartbeat.
func sameContent(a, b *Entry) bool {
	c := *b.Inventory
	c.PublishedAt = a.Inventory.PublishedAt
	return reflect.DeepEqual(a.Inventory, &c)
}
