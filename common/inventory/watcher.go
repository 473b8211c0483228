package inventory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/internal/wait"
)

// Watcher keeps an in-memory index of the bucket's inventories. Run feeds
// it; Snapshot, Get and List read it without locking and may be called from
// any goroutine, as may Subscribe and WaitSynced.
type Watcher struct {
	js      jetstream.JetStream
	opts    options
	metrics *metrics
	idx     atomic.Pointer[index]
	events  *broadcaster
	synced  chan struct{}
	once    sync.Once
	// tracker is touched only by the goroutine running Run.
	tracker *tracker
}

// NewWatcher returns a Watcher reading through js; start it with Run.
func NewWatcher(js jetstream.JetStream, opts ...Option) (*Watcher, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("new watcher: %w", err)
	}
	m, err := newMetrics(o.registerer)
	if err != nil {
		return nil, fmt.Errorf("new watcher: %w", err)
	}
	w := &Watcher{
		js: js, opts: o, metrics: m,
		events:  newBroadcaster(m.dropped.Inc),
		synced:  make(chan struct{}),
		tracker: newTracker(m),
	}
	w.idx.Store(&index{entries: map[string]*Entry{}})
	return w, nil
}

// Snapshot returns the current index, judged at the current time.
func (w *Watcher) Snapshot() Snapshot {
	return snapshotAt(w.idx.Load(), w.opts.clock())
}

// Get returns the fresh inventory of vendor on node; false if absent or stale.
func (w *Watcher) Get(vendor, node string) (*device.NodeInventory, bool) {
	return w.Snapshot().Get(vendor, node)
}

// List returns the fresh inventories in key order.
func (w *Watcher) List() []*device.NodeInventory { return w.Snapshot().List() }

// Subscribe returns a subscription whose channel holds up to buffer events.
func (w *Watcher) Subscribe(buffer int) *Subscription { return w.events.add(buffer) }

// WaitSynced returns once the index holds the bucket's content as of the
// first successful watch, or ctx's error.
func (w *Watcher) WaitSynced(ctx context.Context) error {
	select {
	case <-w.synced:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for inventory sync: %w", ctx.Err())
	}
}

// Synced reports whether the initial sync is done.
func (w *Watcher) Synced() bool {
	select {
	case <-w.synced:
		return true
	default:
		return false
	}
}

// Run watches the bucket until ctx ends, then closes every subscription and
// returns nil. Call it once. When the connection comes back after an outage,
// or the watch breaks, it watches again from scratch and reconciles, so keys
// deleted meanwhile disappear, even if the server lost its store.
func (w *Watcher) Run(ctx context.Context) error {
	defer w.events.closeAll()
	nc := w.js.Conn()
	reconnected := nc.StatusChanged(nats.CONNECTED)
	defer nc.RemoveStatusListener(reconnected)
	log := zerolog.Ctx(ctx)
	delay := w.opts.retry
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			w.metrics.resyncs.Inc()
		}
		synced, err := w.watch(ctx, reconnected)
		if ctx.Err() != nil {
			return nil
		}
		log.Warn().Err(err).Str("bucket", w.opts.bucket).Msg("inventory watch interrupted; resyncing")
		if synced {
			delay = w.opts.retry
		}
		// After a reconnect the server is there: watch again at once.
		if errors.Is(err, errReconnected) {
			continue
		}
		if !wait.Sleep(ctx, delay) {
			return nil
		}
		delay = min(2*delay, maxRetry)
	}
}

var (
	errReconnected = errors.New("nats connection re-established")
	errWatchClosed = errors.New("watch closed by the client library")
)

// watch runs one watch of the bucket: initial sync, then follow changes. It
// reports whether the sync completed, to reset Run's backoff.
func (w *Watcher) watch(ctx context.Context, reconnected <-chan nats.Status) (synced bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	drain(reconnected)
	kv, err := w.open(ctx)
	if err != nil {
		return false, err
	}
	kw, err := kv.WatchAll(ctx)
	if err != nil {
		return false, fmt.Errorf("watch bucket %s: %w", w.opts.bucket, err)
	}
	// Stop deletes the watch's consumer with a request that waits for the
	// JetStream timeout when the server is unreachable; the server drops the
	// ephemeral consumer by itself anyway, so Run does not wait for it.
	defer func() { go func() { _ = kw.Stop() }() }()
	if err := w.sync(ctx, kw.Updates(), reconnected); err != nil {
		return false, err
	}
	return true, w.follow(ctx, kw.Updates(), reconnected)
}

func (w *Watcher) open(ctx context.Context) (jetstream.KeyValue, error) {
	ctx, cancel := context.WithTimeout(ctx, w.opts.opTimeout)
	defer cancel()
	return openBucket(ctx, w.js, &w.opts)
}

// commit publishes the tracker's changes, then sends their events, so that a
// consumer reacting to an event reads an index that already has the change.
func (w *Watcher) commit() {
	next, events := w.tracker.commit(w.idx.Load())
	w.idx.Store(next)
	w.events.send(events)
}

func (w *Watcher) markSynced() { w.once.Do(func() { close(w.synced) }) }

func drain(ch <-chan nats.Status) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
