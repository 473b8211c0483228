package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/vendors/nvidia/internal/monitor"
)

// MonitorConfig is what the node monitor is told.
type MonitorConfig struct {
	Listen     string
	RegionRoot string
	Fake       string
	Node       string
}

// ParseMonitorFlags reads the monitor's flags.
func ParseMonitorFlags(args []string) (MonitorConfig, error) {
	var c MonitorConfig
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	fs.StringVar(&c.Listen, "listen", ":9394", "address of /metrics")
	fs.StringVar(&c.RegionRoot, "region-dir", "/var/lib/hami/regions", "host directory of the per-container limiter regions")
	fs.StringVar(&c.Fake, "fake", "", "fake NVML system or description file (as for the plugin)")
	fs.StringVar(&c.Node, "node", "monitor", "seed of the fake's GPU ids (the node name)")
	return c, fs.Parse(args)
}

// RunMonitor serves the node's metrics until ctx ends.
func RunMonitor(ctx context.Context, mc MonitorConfig) error {
	lib, err := openNVML(Config{Fake: mc.Fake, Node: mc.Node})
	if err != nil {
		return err
	}
	defer func() { _ = lib.Shutdown() }()
	reg := prometheus.NewRegistry()
	if err := reg.Register(monitor.NewCollector(lib, mc.RegionRoot)); err != nil {
		return fmt.Errorf("register collector: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Addr: mc.Listen, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	zerolog.Ctx(ctx).Info().Str("listen", mc.Listen).Msg("serving metrics")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve metrics: %w", err)
	}
	return nil
}
