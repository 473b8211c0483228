package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/fleet"
	"github.com/hami-project/hami/webhook/server"
)

// startFleet watches the inventory bucket when --nats-url is given; nil
// (no fleet: checks that need one are skipped) otherwise.
func startFleet(ctx context.Context, cfg Config, reg prometheus.Registerer, ready *server.Readiness,
	background func(string, func(context.Context) error)) (admission.Fleet, error) {
	if cfg.NATSURL == "" {
		logging.From(ctx).Warn().Msg("no --nats-url: the memory ceiling and model checks are off")
		return nil, nil
	}
	opts, err := cfg.NATS.Options()
	if err != nil {
		return nil, err
	}
	opts = append(opts, nats.Name("hami-webhook"), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true))
	nc, err := nats.Connect(cfg.NATSURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("--nats-url: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	// The scheduler owns the bucket; the webhook only reads it.
	w, err := inventory.NewWatcher(js, inventory.WithBucket(cfg.NATSBucket), inventory.WithCreateBucket(false), inventory.WithRegisterer(reg))
	if err != nil {
		nc.Close()
		return nil, err
	}
	f := fleet.New(w, 0)
	background("inventory watch", func(ctx context.Context) error {
		defer nc.Close()
		return w.Run(ctx)
	})
	background("fleet summary", f.Run)
	start := time.Now()
	ready.Add("inventory", func() error {
		if w.Synced() || time.Since(start) > cfg.InventorySyncTimeout {
			return nil
		}
		return errors.New("waiting for the first inventory sync")
	})
	return f, nil
}
