package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/device"
)

// Publisher puts one node's inventory for one vendor into the bucket: at
// once when its content changes, and on every heartbeat so the watchers see
// it is alive. It is safe for concurrent use.
type Publisher struct {
	js   jetstream.JetStream
	opts options

	// mu serialises puts and guards the fields below.
	mu sync.Mutex
	kv jetstream.KeyValue
	// current is a private copy of the last inventory given to Publish; its
	// PublishedAt is that of the last put attempt.
	current *device.NodeInventory
	// content is current encoded with a zero PublishedAt, to tell a real
	// change from a heartbeat.
	content []byte
	// pending is set while current has not been put successfully.
	pending  bool
	revision uint64
}

// NewPublisher returns a Publisher writing through js.
func NewPublisher(js jetstream.JetStream, opts ...Option) (*Publisher, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("new publisher: %w", err)
	}
	return &Publisher{js: js, opts: o}, nil
}

// Publish stamps inv with the current time, validates it and puts it, unless
// its content equals what was last put. An invalid inventory is never put:
// the error says why, and the previous inventory stays the one published.
func (p *Publisher) Publish(ctx context.Context, inv *device.NodeInventory) error {
	next, content, err := p.prepare(inv)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current != nil && p.current.Key() != next.Key() {
		return fmt.Errorf("publisher of %s cannot publish %s: use one publisher per key", p.current.Key(), next.Key())
	}
	if !p.pending && bytes.Equal(content, p.content) {
		return nil
	}
	p.current, p.content, p.pending = next, content, true
	return p.putLocked(ctx)
}

// prepare copies inv, so later changes by the caller cannot leak into a
// heartbeat, and validates the copy as it would be published.
func (p *Publisher) prepare(inv *device.NodeInventory) (*device.NodeInventory, []byte, error) {
	c := *inv
	c.PublishedAt = time.Time{}
	content, err := json.Marshal(&c)
	if err != nil {
		return nil, nil, fmt.Errorf("encode inventory %s: %w", inv.Key(), err)
	}
	next := &device.NodeInventory{}
	if err := json.Unmarshal(content, next); err != nil {
		return nil, nil, fmt.Errorf("copy inventory %s: %w", inv.Key(), err)
	}
	next.PublishedAt = p.now()
	if err := next.Validate(); err != nil {
		return nil, nil, fmt.Errorf("invalid inventory %s: %w", inv.Key(), err)
	}
	return next, content, nil
}

// Heartbeat puts the current inventory again with a fresh publishedAt.
func (p *Publisher) Heartbeat(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current == nil {
		return nil
	}
	return p.putLocked(ctx)
}

// Revision is the bucket revision of the last successful put; 0 before.
func (p *Publisher) Revision() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.revision
}

func (p *Publisher) putLocked(ctx context.Context) error {
	p.current.PublishedAt = p.now()
	body, err := p.current.Encode()
	if err != nil {
		return fmt.Errorf("encode inventory %s: %w", p.current.Key(), err)
	}
	rev, err := p.put(ctx, p.current.Key(), body)
	if err != nil {
		return err
	}
	p.revision, p.pending = rev, false
	return nil
}

// put writes body under key.
func (p *Publisher) put(ctx context.Context, key string, body []byte) (uint64, error) {
	var rev uint64
	err := p.do(ctx, func(ctx context.Context, kv jetstream.KeyValue) (err error) {
		rev, err = kv.Put(ctx, key, body)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("put inventory %s: %w", key, err)
	}
	return rev, nil
}

// do runs op against the bucket, twice at most, each attempt with its own
// timeout. Before the second attempt the bucket handle is looked up again,
// because a server that lost its store no longer has the stream behind the
// old handle; and a request written just as the connection broke is lost
// without an answer, so only a retry gets it through.
func (p *Publisher) do(ctx context.Context, op func(context.Context, jetstream.KeyValue) error) error {
	var errs []error
	for range 2 {
		err := p.attempt(ctx, op)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

func (p *Publisher) attempt(ctx context.Context, op func(context.Context, jetstream.KeyValue) error) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.opTimeout)
	defer cancel()
	kv, err := p.bucketLocked(ctx)
	if err != nil {
		return err
	}
	if err := op(ctx, kv); err != nil {
		p.kv = nil
		return err
	}
	return nil
}

func (p *Publisher) bucketLocked(ctx context.Context) (jetstream.KeyValue, error) {
	if p.kv != nil {
		return p.kv, nil
	}
	kv, err := openBucket(ctx, p.js, &p.opts)
	if err != nil {
		return nil, err
	}
	p.kv = kv
	return kv, nil
}

// Run heartbeats until ctx ends, retrying sooner after a failed put. It
// returns nil when ctx ends; with WithDeleteOnStop it then deletes the key.
func (p *Publisher) Run(ctx context.Context) error {
	log := zerolog.Ctx(ctx)
	timer := time.NewTimer(p.opts.heartbeat)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			p.stop(ctx)
			return nil
		case <-timer.C:
		}
		next := p.opts.heartbeat
		if err := p.Heartbeat(ctx); err != nil && ctx.Err() == nil {
			log.Warn().Err(err).Msg("inventory heartbeat failed; retrying")
			next = min(p.opts.retry, p.opts.heartbeat)
		}
		timer.Reset(next)
	}
}

// stop deletes the key when asked to; ctx has ended, so the delete gets its
// own deadline.
func (p *Publisher) stop(ctx context.Context) {
	if !p.opts.deleteOnStop {
		return
	}
	if err := p.Delete(context.WithoutCancel(ctx)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("delete inventory on stop")
	}
}

// Delete removes the published key and forgets the current inventory.
func (p *Publisher) Delete(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current == nil {
		return nil
	}
	key := p.current.Key()
	err := p.do(ctx, func(ctx context.Context, kv jetstream.KeyValue) error { return kv.Delete(ctx, key) })
	if err != nil {
		return fmt.Errorf("delete inventory %s: %w", key, err)
	}
	p.current, p.content, p.pending = nil, nil, false
	return nil
}

func (p *Publisher) now() time.Time { return p.opts.clock().UTC() }
