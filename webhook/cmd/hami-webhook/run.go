package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/server"
)

// run wires the webhook and serves until ctx ends. Background loops
// (inventory, config reload, caBundle) stop with it.
func run(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	background := func(name string, fn func(context.Context) error) {
		wg.Go(func() {
			if err := fn(ctx); err != nil {
				logging.From(ctx).Error().Err(err).Str("loop", name).Msg("background loop failed")
			}
		})
	}

	doc, err := loadConfig(cfg.ConfigPath)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	m, err := server.NewMetrics(reg)
	if err != nil {
		return err
	}
	ready := server.NewReadiness()
	fleet, err := startFleet(ctx, cfg, reg, ready, background)
	if err != nil {
		return err
	}
	opts := admission.Options{SchedulerName: cfg.SchedulerName, AllowedSchedulers: cfg.AllowedSchedulers, IgnoredNamespaces: cfg.IgnoredNamespaces}
	a, err := admission.New(doc, fleet, opts)
	if err != nil {
		return err
	}
	current := admission.NewCurrent(a)
	if cfg.ConfigPath != "" && cfg.ConfigReload > 0 {
		r := &reloader{path: cfg.ConfigPath, every: cfg.ConfigReload, fleet: fleet, opts: opts, current: current}
		background("config reload", r.run)
	}
	tlsCfg, err := serving(ctx, cfg, ready, background)
	if err != nil {
		return err
	}
	ls, err := listeners(cfg, tlsCfg, server.NewHandler(current, m), reg, ready)
	if err != nil {
		return err
	}
	return server.Serve(ctx, cfg.ShutdownGrace, ls...)
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	doc, err := config.Load(path)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	return doc, nil
}

func listeners(cfg Config, tlsCfg *tls.Config, h *server.Handler, reg *prometheus.Registry, ready *server.Readiness) ([]server.Listener, error) {
	wl, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	ls := []server.Listener{{Name: "webhook", Listener: wl, Handler: server.WebhookMux(h, ready), TLS: tlsCfg}}
	if cfg.OpsListen == "" {
		return ls, nil
	}
	ol, err := net.Listen("tcp", cfg.OpsListen)
	if err != nil {
		_ = wl.Close()
		return nil, fmt.Errorf("--ops-listen: %w", err)
	}
	return append(ls, server.Listener{Name: "ops", Listener: ol, Handler: server.OpsMux(reg, ready)}), nil
}
