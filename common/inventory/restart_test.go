package inventory_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

// restart stops srv and starts it again on the same port, with its store or,
// when freshStore is set, with an empty one as after losing the disk.
func restart(t *testing.T, srv *natsembed.Server, freshStore bool) *natsembed.Server {
	t.Helper()
	cfg := srv.Config()
	if freshStore {
		cfg.StoreDir = t.TempDir()
	}
	srv.Shutdown()
	srv.WaitForShutdown()
	next, err := natsembed.Start(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { next.Shutdown(); next.WaitForShutdown() })
	require.Equal(t, srv.ClientURL(), next.ClientURL())
	return next
}

func TestWatcherResyncsAfterServerRestart(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	w, sub := startWatcher(t, ctx, connect(t, srv.ClientURL()), inventory.WithRetry(20*time.Millisecond))
	jsA, jsB := connect(t, srv.ClientURL()), connect(t, srv.ClientURL())
	pubA, pubB := newPublisher(t, jsA), newPublisher(t, jsB)
	a := node("node-a")
	require.NoError(t, pubA.Publish(ctx, a))
	require.NoError(t, pubB.Publish(ctx, node("node-b")))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-b"))

	restart(t, srv, false)
	waitReconnected(t, jsA, jsB)
	// Changed while the watcher may still be reconnecting: either the live
	// watch or the resync must bring the index to the bucket's content.
	require.NoError(t, pubB.Delete(ctx))
	a.Devices[0].Healthy = false
	require.NoError(t, pubA.Publish(ctx, a), "the publisher's put works after the restart")

	waitEvent(t, sub, is(inventory.EventDelete, "nvidia.node-b"))
	waitEvent(t, sub, func(ev inventory.Event) bool {
		return ev.Type == inventory.EventPut && ev.Key == "nvidia.node-a" && !ev.Inventory.Devices[0].Healthy
	})
	_, ok := w.Get("nvidia", "node-b")
	require.False(t, ok)
	got, ok := w.Get("nvidia", "node-a")
	require.True(t, ok)
	require.False(t, got.Devices[0].Healthy)
}

func TestWatcherResyncsAfterServerLostItsStore(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	w, sub := startWatcher(t, ctx, connect(t, srv.ClientURL()), inventory.WithRetry(20*time.Millisecond))
	js := connect(t, srv.ClientURL())
	pub := newPublisher(t, js)
	require.NoError(t, pub.Publish(ctx, node("node-a")))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-a"))

	restart(t, srv, true)
	waitReconnected(t, js)

	// The bucket is gone with the store: the resync finds it empty.
	waitEvent(t, sub, is(inventory.EventDelete, "nvidia.node-a"))
	require.Zero(t, w.Snapshot().Len())
	// The publisher's next heartbeat brings the node back.
	require.NoError(t, pub.Heartbeat(ctx))
	waitEvent(t, sub, is(inventory.EventPut, "nvidia.node-a"))
	_, ok := w.Get("nvidia", "node-a")
	require.True(t, ok)
}

// waitReconnected waits until each client is connected to the restarted
// server. A put sent before the client noticed the restart is written to the
// dead connection and lost; the publisher retries it, but only after its
// operation timeout, which would slow the test down.
func waitReconnected(t *testing.T, clients ...jetstream.JetStream) {
	t.Helper()
	for _, js := range clients {
		nc := js.Conn()
		require.Eventually(t, func() bool { return nc.Stats().Reconnects > 0 && nc.IsConnected() }, waitFor, 5*time.Millisecond)
	}
}
