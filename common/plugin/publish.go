package plugin

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/inventory"
)

// ConnectNATS connects a node's plugin: with the node's inbox prefix (which
// the server's per-node permissions require) and reconnecting for ever.
func ConnectNATS(url, node string, opts ...nats.Option) (*nats.Conn, jetstream.JetStream, error) {
	all := append([]nats.Option{
		nats.Name("hami-plugin-" + node),
		nats.CustomInboxPrefix(inventory.PluginInboxPrefix(node)),
		nats.MaxReconnects(-1),
	}, opts...)
	nc, err := nats.Connect(url, all...)
	if err != nil {
		return nil, nil, fmt.Errorf("connect nats %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream %s: %w", url, err)
	}
	return nc, js, nil
}

// InventorySource builds the node's current inventory.
type InventorySource func() *device.NodeInventory

// PublishInventory publishes the inventory now, on every signal of changes,
// and on the publisher's heartbeat, until ctx ends. Failed puts are logged
// and retried by the heartbeat; they never stop the plugin.
func PublishInventory(ctx context.Context, pub *inventory.Publisher, build InventorySource, changes <-chan struct{}) {
	log := zerolog.Ctx(ctx)
	publish := func() {
		inv := build()
		if err := pub.Publish(ctx, inv); err != nil && ctx.Err() == nil {
			log.Warn().Err(err).Str("key", inv.Key()).Msg("publish inventory")
		}
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = pub.Run(ctx) }()
	publish()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-changes:
			publish()
		}
	}
}
