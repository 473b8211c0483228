package inventory_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
)

// waitFor bounds every wait of these tests; events normally arrive in
// milliseconds.
const waitFor = 5 * time.Second

// fakeClock is a settable time source shared by a publisher and a watcher.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel).WithContext(ctx)
}

// connect returns a JetStream client that reconnects quickly and forever,
// as the scheduler's and plugins' clients do.
func connect(t *testing.T, url string, opts ...nats.Option) jetstream.JetStream {
	t.Helper()
	opts = append([]nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(20 * time.Millisecond)}, opts...)
	return natsembedtest.Connect(t, url, opts...)
}

// startWatcher runs a watcher until the test ends and waits for its sync.
func startWatcher(t *testing.T, ctx context.Context, js jetstream.JetStream, opts ...inventory.Option) (*inventory.Watcher, *inventory.Subscription) {
	t.Helper()
	w, err := inventory.NewWatcher(js, opts...)
	require.NoError(t, err)
	sub := w.Subscribe(1024)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	require.NoError(t, w.WaitSynced(ctx))
	return w, sub
}

// waitEvent returns the first event of sub that match accepts.
func waitEvent(t *testing.T, sub *inventory.Subscription, match func(inventory.Event) bool) inventory.Event {
	t.Helper()
	timeout := time.After(waitFor)
	for {
		select {
		case ev, ok := <-sub.Events():
			require.True(t, ok, "subscription closed")
			if match(ev) {
				return ev
			}
		case <-timeout:
			require.FailNow(t, "no matching event")
		}
	}
}

func is(typ inventory.EventType, key string) func(inventory.Event) bool {
	return func(ev inventory.Event) bool { return ev.Type == typ && ev.Key == key }
}

// node is a valid two-GPU inventory.
func node(name string) *device.NodeInventory { return devicetest.Node(name, 2, 81920) }

func newPublisher(t *testing.T, js jetstream.JetStream, opts ...inventory.Option) *inventory.Publisher {
	t.Helper()
	p, err := inventory.NewPublisher(js, opts...)
	require.NoError(t, err)
	return p
}

func newRegistry() *prometheus.Registry { return prometheus.NewRegistry() }
