package inventory_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

func TestPublishThenWatch(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	w, sub := startWatcher(t, ctx, connect(t, srv.ClientURL()))
	pub := newPublisher(t, connect(t, srv.ClientURL()))

	// A dotted node name: the key splits at the first dot only.
	inv := node("gpu-1.example.com")
	require.NoError(t, pub.Publish(ctx, inv))
	ev := waitEvent(t, sub, is(inventory.EventPut, "nvidia.gpu-1.example.com"))
	require.Equal(t, pub.Revision(), ev.Revision)
	got, ok := w.Get("nvidia", "gpu-1.example.com")
	require.True(t, ok)
	require.True(t, got.Devices[1].Healthy)

	inv.Devices[1].Healthy = false
	start := time.Now()
	require.NoError(t, pub.Publish(ctx, inv))
	ev = waitEvent(t, sub, is(inventory.EventPut, "nvidia.gpu-1.example.com"))
	require.Less(t, time.Since(start), time.Second, "a health change must reach the watcher within 1 s")
	require.False(t, ev.Inventory.Devices[1].Healthy)
	got, ok = w.Get("nvidia", "gpu-1.example.com")
	require.True(t, ok, "the event is sent after the index has the change")
	require.False(t, got.Devices[1].Healthy)

	require.NoError(t, pub.Delete(ctx))
	waitEvent(t, sub, is(inventory.EventDelete, "nvidia.gpu-1.example.com"))
	_, ok = w.Get("nvidia", "gpu-1.example.com")
	require.False(t, ok)
	require.Empty(t, w.List())
}

func TestWatcherSeesExistingKeysAtSync(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	js := connect(t, srv.ClientURL())
	for _, name := range []string{"node-b", "node-a"} {
		require.NoError(t, newPublisher(t, js).Publish(ctx, node(name)))
	}

	w, sub := startWatcher(t, ctx, js)

	var nodes []string
	for _, inv := range w.List() {
		nodes = append(nodes, inv.Node)
	}
	require.Equal(t, []string{"node-a", "node-b"}, nodes, "List is in key order")

	kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
	require.NoError(t, err)
	require.NoError(t, kv.Purge(ctx, "nvidia.node-b"))
	waitEvent(t, sub, is(inventory.EventDelete, "nvidia.node-b"))
	require.Len(t, w.List(), 1, "a purge marker removes the entry")
}

func TestStaleAfterTTL(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	clock := newFakeClock()
	reg := newRegistry()
	w, sub := startWatcher(t, ctx, connect(t, srv.ClientURL()),
		inventory.WithClock(clock.Now), inventory.WithStaleCheck(10*time.Millisecond), inventory.WithRegisterer(reg))
	pub := newPublisher(t, connect(t, srv.ClientURL()), inventory.WithClock(clock.Now))
	inv := node("node-a")
	inv.TTLSeconds = 30
	require.NoError(t, pub.Publish(ctx, inv))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-a"))

	clock.Advance(31 * time.Second)
	// Expiry is judged on read too, before the stale check runs.
	_, ok := w.Get("nvidia", "node-a")
	require.False(t, ok)
	e, ok := w.Snapshot().Lookup("nvidia", "node-a")
	require.True(t, ok)
	require.True(t, e.Stale)
	waitEvent(t, sub, is(inventory.EventStale, "nvidia.node-a"))
	require.Equal(t, 1.0, metricValue(t, reg, "hami_inventory_stale"))

	require.NoError(t, pub.Heartbeat(ctx))
	waitEvent(t, sub, is(inventory.EventFresh, "nvidia.node-a"))
	_, ok = w.Get("nvidia", "node-a")
	require.True(t, ok)
	require.Equal(t, 0.0, metricValue(t, reg, "hami_inventory_stale"))
}

func TestStaleAfterTTLRealTime(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	w, sub := startWatcher(t, ctx, connect(t, srv.ClientURL()), inventory.WithStaleCheck(50*time.Millisecond))
	inv := node("node-a")
	inv.TTLSeconds = 1
	require.NoError(t, newPublisher(t, connect(t, srv.ClientURL())).Publish(ctx, inv))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-a"))
	waitEvent(t, sub, is(inventory.EventStale, "nvidia.node-a"))
	_, ok := w.Get("nvidia", "node-a")
	require.False(t, ok)
}

func TestMalformedValuesAreSkipped(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	reg := newRegistry()
	js := connect(t, srv.ClientURL())
	w, sub := startWatcher(t, ctx, js, inventory.WithRegisterer(reg))
	require.NoError(t, newPublisher(t, js).Publish(ctx, node("node-a")))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-a"))
	kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
	require.NoError(t, err)

	wrongVersion := node("node-b")
	wrongVersion.APIVersion = "inventory.hami.io/v99"
	invalid := node("node-b")
	invalid.Devices[0].MemoryMiB = 0
	bad := map[string][]byte{
		"garbage":        []byte("\x00not json"),
		"wrong version":  encode(t, wrongVersion),
		"invalid":        encode(t, invalid),
		"another node's": encode(t, node("node-b")),
	}
	rejected := 0
	for name, body := range bad {
		// All under node-a's key: the valid entry there must survive them.
		// One at a time: a watch may pass over a revision of a key that is
		// already overwritten.
		_, err := kv.Put(ctx, "nvidia.node-a", body)
		require.NoError(t, err, name)
		rejected++
		deadline := time.Now().Add(5 * time.Second)
		for metricValue(t, reg, "hami_inventory_rejected_total") != float64(rejected) {
			require.True(t, time.Now().Before(deadline), "%s: not rejected", name)
			time.Sleep(10 * time.Millisecond)
		}
	}
	require.NoError(t, newPublisher(t, js).Publish(ctx, node("node-c")))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-c"))

	require.Equal(t, float64(len(bad)), metricValue(t, reg, "hami_inventory_rejected_total"))
	_, ok := w.Get("nvidia", "node-a")
	require.True(t, ok, "a rejected value keeps the last valid inventory")
	_, ok = w.Get("nvidia", "node-b")
	require.False(t, ok, "a node cannot publish for another one")
}

func encode(t *testing.T, inv *device.NodeInventory) []byte {
	t.Helper()
	b, err := inv.Encode()
	require.NoError(t, err)
	return b
}

// Ensure the watcher and publisher agree with a client reading the bucket
// directly, as an operator with the nats CLI would.
func TestPublishedValueDecodes(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	js := connect(t, srv.ClientURL())
	require.NoError(t, newPublisher(t, js).Publish(ctx, node("node-a")))
	kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
	require.NoError(t, err)
	e, err := kv.Get(ctx, "nvidia.node-a")
	require.NoError(t, err)
	require.Equal(t, jetstream.KeyValuePut, e.Operation())
	inv, err := device.Decode(e.Value())
	require.NoError(t, err)
	require.Equal(t, "node-a", inv.Node)
}
