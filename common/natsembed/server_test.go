package natsembed_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/natsembed"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func start(t *testing.T, cfg natsembed.Config) *natsembed.Server {
	t.Helper()
	srv, err := natsembed.Start(testContext(t), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv
}

func TestRestartKeepsPortAndStore(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := start(t, natsembed.Config{StoreDir: t.TempDir()})
	require.NotZero(t, srv.Port())
	require.Contains(t, srv.ClientURL(), "127.0.0.1:")
	kv, err := natsembedtest.Connect(t, srv.ClientURL()).CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "b"})
	require.NoError(t, err)
	_, err = kv.PutString(ctx, "k", "v")
	require.NoError(t, err)

	next, err := srv.Restart(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { next.Shutdown(); next.WaitForShutdown() })

	require.Equal(t, srv.ClientURL(), next.ClientURL())
	kv, err = natsembedtest.Connect(t, next.ClientURL()).KeyValue(ctx, "b")
	require.NoError(t, err, "the bucket survives a restart with the same store")
	e, err := kv.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "v", string(e.Value()))
}

func TestStartNeedsStoreDir(t *testing.T) {
	t.Parallel()
	_, err := natsembed.Start(testContext(t), natsembed.Config{})
	require.ErrorContains(t, err, "store dir")
}

func TestStartFailsOnBusyPort(t *testing.T) {
	t.Parallel()
	srv := start(t, natsembed.Config{StoreDir: t.TempDir()})
	_, err := natsembed.Start(testContext(t), natsembed.Config{StoreDir: t.TempDir(), Port: srv.Port(), ReadyTimeout: time.Second})
	require.Error(t, err)
}
