package inventory_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

func TestPublisherPutsOnChangeAndHeartbeat(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	js := connect(t, srv.ClientURL())
	clock := newFakeClock()
	pub := newPublisher(t, js, inventory.WithClock(clock.Now))
	inv := node("node-a")

	require.NoError(t, pub.Publish(ctx, inv))
	first := pub.Revision()
	require.NotZero(t, first)
	require.Equal(t, clock.Now(), stored(t, js, "nvidia.node-a").PublishedAt)

	clock.Advance(time.Second)
	require.NoError(t, pub.Publish(ctx, inv), "same content again")
	require.Equal(t, first, pub.Revision(), "unchanged content is not put")
	require.Equal(t, first, storedRevision(t, js, "nvidia.node-a"))

	clock.Advance(time.Second)
	require.NoError(t, pub.Heartbeat(ctx))
	require.Greater(t, pub.Revision(), first)
	require.Equal(t, clock.Now(), stored(t, js, "nvidia.node-a").PublishedAt, "a heartbeat re-stamps publishedAt")

	beat := pub.Revision()
	inv.Devices[0].Healthy = false
	require.NoError(t, pub.Publish(ctx, inv))
	require.Greater(t, pub.Revision(), beat, "a change is put at once")
	require.False(t, stored(t, js, "nvidia.node-a").Devices[0].Healthy)
}

func TestPublisherRunHeartbeats(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	js := connect(t, srv.ClientURL())
	pub := newPublisher(t, js, inventory.WithHeartbeat(20*time.Millisecond), inventory.WithDeleteOnStop(true))
	require.NoError(t, pub.Publish(ctx, node("node-a")))
	first := pub.Revision()

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pub.Run(runCtx) }()
	require.Eventually(t, func() bool { return pub.Revision() >= first+2 }, waitFor, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)

	kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
	require.NoError(t, err)
	_, err = kv.Get(ctx, "nvidia.node-a")
	require.ErrorIs(t, err, jetstream.ErrKeyNotFound, "WithDeleteOnStop deletes the key")
}

func TestPublisherRefusesInvalidInventory(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	js := connect(t, srv.ClientURL())
	pub := newPublisher(t, js)
	require.NoError(t, pub.Publish(ctx, node("node-a")))
	valid := pub.Revision()

	bad := node("node-a")
	bad.Devices[0].Cores = 101
	require.ErrorContains(t, pub.Publish(ctx, bad), "cores")

	require.Equal(t, valid, storedRevision(t, js, "nvidia.node-a"), "nothing was put")
	require.NoError(t, pub.Heartbeat(ctx))
	require.Equal(t, 100, int(stored(t, js, "nvidia.node-a").Devices[0].Cores), "the heartbeat keeps the valid inventory")
}

func TestNewPublisherRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := inventory.NewPublisher(nil, inventory.WithHeartbeat(0), inventory.WithBucket(""))
	require.ErrorContains(t, err, "heartbeat")
	require.ErrorContains(t, err, "bucket")
}

func stored(t *testing.T, js jetstream.JetStream, key string) *device.NodeInventory {
	t.Helper()
	ctx := context.Background()
	kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
	require.NoError(t, err)
	e, err := kv.Get(ctx, key)
	require.NoError(t, err)
	inv, err := device.Decode(e.Value())
	require.NoError(t, err)
	return inv
}

func storedRevision(t *testing.T, js jetstream.JetStream, key string) uint64 {
	t.Helper()
	ctx := context.Background()
	kv, err := js.KeyValue(ctx, inventory.DefaultBucket)
	require.NoError(t, err)
	e, err := kv.Get(ctx, key)
	require.NoError(t, err)
	return e.Revision()
}

func TestPublisherKeepsToOneKey(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := natsembedtest.Start(t)
	pub := newPublisher(t, connect(t, srv.ClientURL()))
	require.NoError(t, pub.Publish(ctx, node("node-a")))
	require.ErrorContains(t, pub.Publish(ctx, node("node-b")), "one publisher per key")
}
