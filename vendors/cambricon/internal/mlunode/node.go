// Package mlunode owns the Cambricon plugin's view of one node: the MLU
// cards CNDev reports as the inventory describes them (sMLU or whole-card
// modes, MLU-Link peers), their health by polling CNDev, the kubelet's
// answer for a container (an sMLU instance made through the kit's
// partition manager, or whole cards) and the node's metrics. It is the
// Cambricon pluginrun.Node.
package mlunode

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

// Options configure a Node.
type Options struct {
	// DevRoot is where the host's device files are found ("/" when empty).
	DevRoot string
	// HealthEvery is how often CNDev's health state is polled.
	HealthEvery time.Duration
}

// Node is the MLU cards of one node.
type Node struct {
	lib   sdk.Library
	cards []Card
	opts  Options
	// parts makes sMLU instances and destroys those of finished pods.
	parts *partition.Manager
}

var (
	_ pluginrun.Node       = (*Node)(nil)
	_ pluginrun.Collecting = (*Node)(nil)
)

// New returns the Node of cards discovered through lib; parts is the
// manager whose Driver is NewDriver(lib, cards).
func New(lib sdk.Library, cards []Card, opts Options, parts *partition.Manager) *Node {
	if opts.DevRoot == "" {
		opts.DevRoot = "/"
	}
	if opts.HealthEvery <= 0 {
		opts.HealthEvery = 5 * time.Second
	}
	return &Node{lib: lib, cards: cards, opts: opts, parts: parts}
}

// Devices implements pluginrun.Node.
func (n *Node) Devices() []device.Device {
	out := make([]device.Device, len(n.cards))
	for i := range n.cards {
		out[i] = n.cards[i].device(n.cards)
	}
	return out
}

// Watch implements pluginrun.Node: CNDev has no health events, so its
// health state is polled.
func (n *Node) Watch(ctx context.Context, r health.Reporter) error {
	read := health.Probe(n.cards, func(c Card) string { return c.UUID },
		func(c Card) (bool, error) { return n.lib.Healthy(c.Index) }, "CNDev reports the card unhealthy")
	return health.Poll(n.opts.HealthEvery, read)(ctx, r)
}

// Collector implements pluginrun.Collecting.
func (n *Node) Collector() prometheus.Collector { return newCollector(n.lib, n.cards, n.parts) }

// Close implements pluginrun.Node: CNDev is shut down and, for the real
// library, unloaded.
func (n *Node) Close() error { return Shutdown(n.lib) }

// Shutdown shuts CNDev down and, for the real library, unloads it.
func Shutdown(lib sdk.Library) error {
	err := lib.Shutdown()
	if c, ok := lib.(io.Closer); ok {
		err = errors.Join(err, c.Close())
	}
	return err
}

func (n *Node) card(uuid string) (Card, bool) {
	i := slices.IndexFunc(n.cards, func(c Card) bool { return c.UUID == uuid })
	if i < 0 {
		return Card{}, false
	}
	return n.cards[i], true
}
