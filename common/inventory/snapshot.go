package inventory

import (
	"maps"
	"slices"
	"time"

	"github.com/hami-project/hami/common/device"
)

// Entry is one key of the index.
type Entry struct {
	Key string
	// Inventory is shared by every reader: do not modify it.
	Inventory  *device.NodeInventory
	Revision   uint64
	ReceivedAt time.Time
	// Stale is set when the inventory was not refreshed within its TTL.
	Stale bool
	// expires is when the inventory goes stale, in Unix nanoseconds, worked
	// out once by newEntry.
	expires int64
}

// newEntry is the entry of inv under key.
func newEntry(key string, inv *device.NodeInventory, revision uint64, receivedAt time.Time) *Entry {
	ttl := time.Duration(inv.TTLSeconds) * time.Second
	return &Entry{Key: key, Inventory: inv, Revision: revision, ReceivedAt: receivedAt,
		expires: inv.PublishedAt.Add(ttl).UnixNano()}
}

// index is an immutable state of the watcher's map. A new one is built per
// batch of changes, so readers never lock: the scheduler's filter path reads
// it for every node of every pod.
type index struct {
	entries map[string]*Entry
	// keys is sorted; it is shared with the previous index while no key was
	// added or removed.
	keys []string
}

// lookup finds the entry of vendor on node. The key, device.Key(vendor,
// node), is assembled in a stack buffer and only looked up, never made a
// string: filter calls this for every node of every pod, and a key past
// the 32 bytes Go concatenates on the stack (most cloud node names) cost an
// allocation per node.
func (idx *index) lookup(vendor, node string) (*Entry, bool) {
	var buf [128]byte
	key := append(append(append(buf[:0], vendor...), '.'), node...)
	e, ok := idx.entries[string(key)]
	return e, ok
}

// Snapshot is a consistent read-only view of the index at one instant:
// staleness is judged against the time the snapshot was taken, so expiry is
// seen at once even between two stale checks of the watcher.
type Snapshot struct {
	idx *index
	now time.Time
	// nowNano is now in Unix nanoseconds, for the staleness check that
	// filter makes for every node of every pod.
	nowNano int64
}

func snapshotAt(idx *index, now time.Time) Snapshot {
	return Snapshot{idx: idx, now: now, nowNano: now.UnixNano()}
}

// SnapshotOf is a snapshot of fixed inventories, judged at now: what tools
// and tests that hold inventories without a bucket use in place of a
// Watcher's snapshot, with the same lookups.
func SnapshotOf(now time.Time, invs ...*device.NodeInventory) Snapshot {
	idx := &index{entries: make(map[string]*Entry, len(invs))}
	for _, inv := range invs {
		idx.entries[inv.Key()] = newEntry(inv.Key(), inv, 0, now)
	}
	idx.keys = slices.Sorted(maps.Keys(idx.entries))
	return snapshotAt(idx, now)
}

// Now is the instant staleness is judged at.
func (s Snapshot) Now() time.Time { return s.now }

// Get returns the fresh inventory of vendor on node; false if absent or stale.
func (s Snapshot) Get(vendor, node string) (*device.NodeInventory, bool) {
	e, ok := s.idx.lookup(vendor, node)
	if !ok || s.stale(e) {
		return nil, false
	}
	return e.Inventory, true
}

// Lookup returns the entry of vendor on node, stale or not.
func (s Snapshot) Lookup(vendor, node string) (Entry, bool) {
	e, ok := s.idx.lookup(vendor, node)
	if !ok {
		return Entry{}, false
	}
	out := *e
	out.Stale = s.stale(e)
	return out, true
}

// List returns the fresh inventories in key order.
func (s Snapshot) List() []*device.NodeInventory {
	out := make([]*device.NodeInventory, 0, len(s.idx.keys))
	for _, k := range s.idx.keys {
		if e := s.idx.entries[k]; !s.stale(e) {
			out = append(out, e.Inventory)
		}
	}
	return out
}

// Entries returns every entry, stale ones included, in key order.
func (s Snapshot) Entries() []Entry {
	out := make([]Entry, 0, len(s.idx.keys))
	for _, k := range s.idx.keys {
		e := *s.idx.entries[k]
		e.Stale = s.stale(&e)
		out = append(out, e)
	}
	return out
}

// Len is the number of entries, stale ones included.
func (s Snapshot) Len() int { return len(s.idx.entries) }

func (s Snapshot) stale(e *Entry) bool { return e.Stale || s.nowNano > e.expires }
