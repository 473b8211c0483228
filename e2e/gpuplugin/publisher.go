package gpuplugin

import (
	"context"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
)

// Publisher keeps one node's inventory in the bucket, like a plugin's
// publisher, and can be paused (the node goes stale) and have devices turn
// unhealthy. It is safe for concurrent use.
type Publisher struct {
	pub *inventory.Publisher
	log zerolog.Logger

	mu     sync.Mutex // guards inv, cancel, done
	inv    *device.NodeInventory
	cancel context.CancelFunc
	done   chan struct{}
}

// NewPublisher publishes spec's inventory of node through js and starts the
// heartbeat; Stop ends it.
func NewPublisher(ctx context.Context, js jetstream.JetStream, node string, spec Spec, log zerolog.Logger) (*Publisher, error) {
	spec = spec.withDefaults()
	pub, err := inventory.NewPublisher(js, inventory.WithHeartbeat(spec.Heartbeat), inventory.WithRetry(spec.Heartbeat/2))
	if err != nil {
		return nil, err
	}
	p := &Publisher{pub: pub, log: log.With().Str("node", node).Logger(), inv: spec.Inventory(node)}
	if err := p.pub.Publish(ctx, p.inv); err != nil {
		return nil, fmt.Errorf("publish inventory of %s: %w", node, err)
	}
	p.Resume()
	return p, nil
}

// Pause stops the heartbeat and leaves the key as it is, as a plugin that
// hangs or a node that loses its network would: the inventory goes stale
// after its TTL.
func (p *Publisher) Pause() {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.cancel, p.done = nil, nil
	p.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Resume starts the heartbeat again (a no-op while it runs).
func (p *Publisher) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(p.log.WithContext(context.Background()))
	done := make(chan struct{})
	p.cancel, p.done = cancel, done
	go func() {
		defer close(done)
		// Heartbeat once at once, so a resumed node is fresh again now.
		if err := p.pub.Heartbeat(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn().Err(err).Msg("inventory heartbeat failed; retrying")
		}
		_ = p.pub.Run(ctx)
	}()
}

// SetHealthy marks GPU i healthy or not and publishes the change at once.
func (p *Publisher) SetHealthy(ctx context.Context, i int, healthy bool) error {
	p.mu.Lock()
	next := *p.inv
	next.Devices = append([]device.Device(nil), p.inv.Devices...)
	next.Devices[i].Healthy = healthy
	p.inv = &next
	p.mu.Unlock()
	return p.pub.Publish(ctx, &next)
}

// Inventory is the inventory as last given to the publisher.
func (p *Publisher) Inventory() *device.NodeInventory {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inv
}

// Stop ends the heartbeat; the key stays (it goes stale).
func (p *Publisher) Stop() { p.Pause() }
