package natsembed_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

const bucket = inventory.DefaultBucket

// A node's plugin may write its own key and no other; the scheduler's reader
// credentials are enough to create the bucket and watch it.
func TestPluginCanOnlyWriteItsOwnKeys(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	srv := start(t, natsembed.Config{StoreDir: t.TempDir(), Users: []*server.User{
		natsembed.PluginUser("plugin-a", "pa", bucket, "node-a"),
		natsembed.ReaderUser("scheduler", "ps", bucket),
	}})
	reader := natsembedtest.Connect(t, srv.ClientURL(), nats.UserInfo("scheduler", "ps"))
	w, err := inventory.NewWatcher(reader)
	require.NoError(t, err)
	sub := w.Subscribe(16)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	require.NoError(t, w.WaitSynced(ctx), "the reader creates and watches the bucket")

	plugin := natsembedtest.Connect(t, srv.ClientURL(), nats.UserInfo("plugin-a", "pa"),
		nats.CustomInboxPrefix(inventory.PluginInboxPrefix("node-a")))
	pub, err := inventory.NewPublisher(plugin, inventory.WithCreateBucket(false))
	require.NoError(t, err)
	require.NoError(t, pub.Publish(ctx, devicetest.Node("node-a", 1, 81920)))
	ev := <-sub.Events()
	require.Equal(t, "nvidia.node-a", ev.Key)

	kv, err := plugin.KeyValue(ctx, bucket)
	require.NoError(t, err)
	body, err := devicetest.Node("node-b", 1, 81920).Encode()
	require.NoError(t, err)
	for _, key := range []string{"nvidia.node-b", "nvidia.node-a.evil"} {
		require.Error(t, putWithin(ctx, kv, key, body), key)
		_, err = mustKV(t, reader).Get(ctx, key)
		require.ErrorIs(t, err, jetstream.ErrKeyNotFound, key)
	}

	require.Error(t, putWithin(ctx, mustKV(t, reader), "nvidia.node-a", body), "the reader cannot write")
}

// putWithin puts with a short deadline: a refused publish gets no answer,
// only an asynchronous permissions error on the connection.
func putWithin(ctx context.Context, kv jetstream.KeyValue, key string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err := kv.Put(ctx, key, body)
	return err
}

func mustKV(t *testing.T, js jetstream.JetStream) jetstream.KeyValue {
	t.Helper()
	kv, err := js.KeyValue(context.Background(), bucket)
	require.NoError(t, err)
	return kv
}
