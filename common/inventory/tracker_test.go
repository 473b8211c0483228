package inventory

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func entry(node string, publishedAt time.Time, healthy bool) *Entry {
	inv := devicetest.Node(node, 1, 81920)
	inv.PublishedAt, inv.TTLSeconds = publishedAt, 30
	inv.Devices[0].Healthy = healthy
	return newEntry(inv.Key(), inv, 0, publishedAt)
}

func types(events []Event) []EventType {
	var out []EventType
	for _, ev := range events {
		out = append(out, ev.Type)
	}
	return out
}

func newTestTracker(t *testing.T) *tracker {
	t.Helper()
	m, err := newMetrics(prometheus.NewRegistry())
	require.NoError(t, err)
	return newTracker(m)
}

func TestTrackerPutEvents(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		before []*Entry
		put    *Entry
		want   []EventType
	}{
		"new key":           {put: entry("a", t0, true), want: []EventType{EventPut}},
		"heartbeat only":    {before: []*Entry{entry("a", t0, true)}, put: entry("a", t0.Add(10*time.Second), true)},
		"content change":    {before: []*Entry{entry("a", t0, true)}, put: entry("a", t0, false), want: []EventType{EventPut}},
		"already expired":   {put: entry("a", t0.Add(-time.Minute), true), want: []EventType{EventStale}},
		"stale then fresh":  {before: []*Entry{entry("a", t0.Add(-time.Minute), true)}, put: entry("a", t0, true), want: []EventType{EventFresh}},
		"stale stays stale": {before: []*Entry{entry("a", t0.Add(-time.Minute), true)}, put: entry("a", t0.Add(-time.Minute), false)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr := newTestTracker(t)
			for _, e := range tc.before {
				tr.put(e, t0)
			}
			tr.commit(&index{})
			tr.put(tc.put, t0)
			_, events := tr.commit(&index{})
			require.Equal(t, tc.want, types(events))
		})
	}
}

func TestTrackerReconcileRemovesVanishedKeys(t *testing.T) {
	t.Parallel()
	tr := newTestTracker(t)
	kept := entry("a", t0, true)
	tr.put(kept, t0)
	tr.put(entry("b", t0, true), t0)
	idx, _ := tr.commit(&index{})

	tr.reconcile(map[string]*Entry{kept.Key: kept, "nvidia.c": entry("c", t0, true)}, t0)
	idx, events := tr.commit(idx)

	require.ElementsMatch(t, []string{"delete nvidia.b", "put nvidia.c"}, describe(events))
	require.Equal(t, []string{"nvidia.a", "nvidia.c"}, idx.keys)
}

func describe(events []Event) []string {
	var out []string
	for _, ev := range events {
		out = append(out, ev.Type.String()+" "+ev.Key)
	}
	return out
}

func TestTrackerCheckStale(t *testing.T) {
	t.Parallel()
	tr := newTestTracker(t)
	tr.put(entry("a", t0, true), t0)
	idx, _ := tr.commit(&index{})

	tr.checkStale(t0.Add(10 * time.Second))
	same, events := tr.commit(idx)
	require.Same(t, idx, same, "nothing changed, no new index")
	require.Empty(t, events)

	tr.checkStale(t0.Add(31 * time.Second))
	_, events = tr.commit(idx)
	require.Equal(t, []EventType{EventStale}, types(events))
}

func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	t.Parallel()
	drops := 0
	b := newBroadcaster(func() { drops++ })
	sub := b.add(1)
	b.send([]Event{{Type: EventPut, Key: "a"}, {Type: EventPut, Key: "b"}, {Type: EventPut, Key: "c"}})
	require.Equal(t, uint64(2), sub.Dropped())
	require.Equal(t, 2, drops)
	require.Equal(t, "a", (<-sub.Events()).Key, "the oldest event is kept")
	b.closeAll()
	_, open := <-sub.Events()
	require.False(t, open)
	sub.Close() // closing twice is harmless
}

// BenchmarkSnapshotGet measures the scheduler's read: one inventory of a
// 5,000-node index.
func BenchmarkSnapshotGet(b *testing.B) {
	m, err := newMetrics(nil)
	require.NoError(b, err)
	tr := newTracker(m)
	now := time.Now()
	nodes := make([]string, 5000)
	for i := range nodes {
		nodes[i] = fmt.Sprintf("node-%d", i)
		tr.put(entry(nodes[i], now, true), now)
	}
	idx, _ := tr.commit(&index{})
	w := &Watcher{opts: options{clock: time.Now}}
	w.idx.Store(idx)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := w.Get("nvidia", nodes[i%len(nodes)]); !ok {
			b.Fatal("missing")
		}
	}
}

// A snapshot finds an inventory by vendor and node, whatever the length of
// the node's name, without allocating: filter looks up every node per pod.
func TestSnapshotGetAllocatesNothing(t *testing.T) {
	long := "ip-10-0-112-34.eu-west-1.compute.internal"
	longest := strings.Repeat("n", 200)
	var invs []*device.NodeInventory
	for _, node := range []string{"a", long, longest} {
		invs = append(invs, entry(node, t0, true).Inventory)
	}
	snap := SnapshotOf(t0, invs...)
	require.Equal(t, 3, snap.Len())
	for _, node := range []string{"a", long, longest} {
		inv, ok := snap.Get("nvidia", node)
		require.True(t, ok, node)
		require.Equal(t, node, inv.Node)
	}
	_, ok := snap.Get("nvidia", long+"x")
	require.False(t, ok)
	require.Zero(t, testing.AllocsPerRun(100, func() { snap.Get("nvidia", long) }))
}

// A snapshot judges staleness as NodeInventory.Expired does, to the
// nanosecond.
func TestSnapshotStaleAtTheTTL(t *testing.T) {
	t.Parallel()
	inv := entry("a", t0, true).Inventory // TTL 30 s
	for _, at := range []time.Duration{0, 30 * time.Second, 30*time.Second + time.Nanosecond, time.Minute} {
		now := t0.Add(at)
		_, fresh := SnapshotOf(now, inv).Get("nvidia", "a")
		require.Equal(t, !inv.Expired(now), fresh, "at %s", at)
	}
	_, fresh := SnapshotOf(t0.Add(30*time.Second), inv).Get("nvidia", "a")
	require.True(t, fresh, "fresh at exactly the TTL")
}
