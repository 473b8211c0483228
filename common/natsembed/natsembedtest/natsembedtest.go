// Package natsembedtest starts the embedded NATS server for tests, and
// connects to it, each undone when the test ends.
package natsembedtest

import (
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/natsembed"
)

// Start starts an embedded NATS server with JetStream in a temporary
// directory, on a free loopback port.
func Start(t testing.TB) *natsembed.Server {
	t.Helper()
	srv, err := natsembed.Start(t.Context(), natsembed.Config{StoreDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv
}

// Connect returns a JetStream client of the server at url.
func Connect(t testing.TB, url string, opts ...nats.Option) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, opts...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}
