package inventory

import (
	"sync"
	"sync/atomic"

	"github.com/hami-project/hami/common/device"
)

// EventType says how a key's schedulable state changed.
type EventType uint8

// Event types. Put and Fresh both mean "schedulable with this inventory";
// Delete and Stale both mean "not schedulable".
const (
	// EventPut: a fresh inventory was added or its content changed. A
	// heartbeat that only moves publishedAt is not reported.
	EventPut EventType = iota + 1
	// EventDelete: the key was deleted or purged, or vanished at a resync.
	// Inventory is the last one known.
	EventDelete
	// EventStale: the inventory was not refreshed within its TTL. Inventory
	// is the last one known.
	EventStale
	// EventFresh: a stale key was refreshed.
	EventFresh
)

func (t EventType) String() string {
	switch t {
	case EventPut:
		return "put"
	case EventDelete:
		return "delete"
	case EventStale:
		return "stale"
	case EventFresh:
		return "fresh"
	}
	return "unknown"
}

// Event is one change of the index. Inventory is shared: do not modify it.
type Event struct {
	Type      EventType
	Key       string
	Inventory *device.NodeInventory
	Revision  uint64
}

// Subscription receives events on a bounded channel. The Watcher never waits
// for a slow consumer: an event that does not fit is dropped and counted, and
// a consumer that sees Dropped grow should re-read the Snapshot.
type Subscription struct {
	ch      chan Event
	dropped atomic.Uint64
	b       *broadcaster
}

// Events is the channel of events; it is closed by Close and when the
// Watcher's Run returns.
func (s *Subscription) Events() <-chan Event { return s.ch }

// Dropped counts the events this subscriber missed because its buffer was full.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close stops the subscription and closes its channel.
func (s *Subscription) Close() { s.b.remove(s) }

// broadcaster fans events out to subscriptions without blocking.
type broadcaster struct {
	mu     sync.Mutex // guards subs and closed, and orders sends before close
	subs   map[*Subscription]struct{}
	closed bool
	onDrop func()
}

func newBroadcaster(onDrop func()) *broadcaster {
	return &broadcaster{subs: map[*Subscription]struct{}{}, onDrop: onDrop}
}

func (b *broadcaster) add(buffer int) *Subscription {
	s := &Subscription{ch: make(chan Event, max(buffer, 1)), b: b}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(s.ch)
		return s
	}
	b.subs[s] = struct{}{}
	return s
}

func (b *broadcaster) remove(s *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.ch)
	}
}

func (b *broadcaster) send(events []Event) {
	if len(events) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		for _, ev := range events {
			select {
			case s.ch <- ev:
			default:
				s.dropped.Add(1)
				b.onDrop()
			}
		}
	}
}

func (b *broadcaster) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.ch)
	}
}
