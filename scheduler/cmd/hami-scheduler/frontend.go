package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/common/tlsfile"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/hamiplugin"
	"github.com/hami-project/hami/scheduler/internal/kube"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/ui"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// pluginMain runs the plugin front end: kube-scheduler v1.37 with the HAMi
// plugin compiled in. kube-scheduler's flags, configuration, leader
// election, queue and preemption are its own; HAMi adds the embedded NATS
// server (or a connection to one), the inventory watcher, the web view and
// its metrics, started when kube-scheduler builds the plugin.
func pluginMain(args []string) error {
	cfg, rest, err := parsePluginFlags(args, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-scheduler:", err)
		return err
	}
	log, err := logging.New(os.Stderr, cfg.Log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-scheduler:", err)
		return err
	}
	dir, err := os.MkdirTemp("", "hami-scheduler-")
	if err != nil {
		return fmt.Errorf("temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)
	if rest, err = withDefaultConfig(rest, cfg.ConfigFile, dir); err != nil {
		log.Error().Err(err).Msg("hami-scheduler stopped")
		return err
	}
	fe := &frontEnd{cfg: cfg, log: log}
	defer fe.stop()
	cmd := app.NewSchedulerCommand(app.WithPlugin(hamiplugin.Name, fe.factory))
	cmd.SetArgs(rest)
	if err := cmd.Execute(); err != nil {
		log.Error().Err(err).Msg("hami-scheduler stopped")
		return err
	}
	return nil
}

// frontEnd builds the plugin once, with everything HAMi runs beside it,
// when kube-scheduler first asks for it (every profile that enables the
// plugin shares the one instance).
type frontEnd struct {
	cfg    *Config
	log    zerolog.Logger
	once   sync.Once
	plugin *hamiplugin.Plugin
	err    error
	stops  []func()
}

func (f *frontEnd) factory(ctx context.Context, _ runtime.Object, h fwk.Handle) (fwk.Plugin, error) {
	f.once.Do(func() {
		f.plugin, f.err = f.start(logging.Into(ctx, f.log), h)
	})
	return f.plugin, f.err
}

// stop closes what start opened, once kube-scheduler has returned.
func (f *frontEnd) stop() {
	for i := len(f.stops) - 1; i >= 0; i-- {
		f.stops[i]()
	}
}

func (f *frontEnd) start(ctx context.Context, h fwk.Handle) (*hamiplugin.Plugin, error) {
	cfg, log := f.cfg, zerolog.Ctx(ctx)
	store, err := settings.Load(cfg.ConfigFile)
	if err != nil {
		return nil, err
	}
	reg := metrics.NewRegistry()
	nc, closeNATS, err := connectNATS(ctx, cfg)
	if err != nil {
		return nil, err
	}
	f.stops = append(f.stops, closeNATS)
	waiting := hamiplugin.NewWaiting()
	watcher, err := startWatcher(ctx, nc, cfg, reg, store, waiting.Kick)
	if err != nil {
		return nil, err
	}
	index := usage.NewIndex()
	podsSynced, err := watchPods(ctx, h, index, waiting)
	if err != nil {
		return nil, err
	}
	ready := readiness(podsSynced, watcher)
	pods := h.SharedInformerFactory().Core().V1().Pods().Lister()
	sched, err := extender.New(extender.Deps{
		Fleet: fleet{watcher}, Settings: store, Index: index, Pods: kube.NewPods(pods, h.ClientSet()),
		Binder: kube.NewBinder(h.ClientSet()), Ready: ready, Metrics: extender.NewMetrics(reg), NodeChoice: cfg.NodeChoice,
	})
	if err != nil {
		return nil, err
	}
	reg.MustRegister(extender.NewUsageCollector(watcher, index))
	go store.Watch(ctx, cfg.Reload)
	go waiting.Run(ctx, func(pods map[string]*corev1.Pod) { h.Activate(klog.FromContext(ctx), pods) })
	startUI(ctx, cfg, watcher, index)
	tlsConfig, err := serverTLS(cfg)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := serveTLS(ctx, cfg.Addr, extender.Handler(ctx, sched, ready, metrics.Handler(reg)), tlsConfig); err != nil {
			log.Error().Err(err).Msg("health and metrics endpoint stopped")
		}
	}()
	log.Info().Str("addr", cfg.Addr).Bool("https", tlsConfig != nil).Str("nodeChoice", string(cfg.NodeChoice)).
		Str("profile", h.ProfileName()).Msg("HAMi plugin ready in kube-scheduler")
	return hamiplugin.New(sched, waiting, cfg.NodeChoice)
}

// watchPods feeds the usage index from kube-scheduler's own pod informer:
// a freed share requeues the waiting pods, and a deleted pod leaves the
// waiting list. It returns when the index has seen every pod.
func watchPods(ctx context.Context, h fwk.Handle, index *usage.Index, waiting *hamiplugin.Waiting) (func() bool, error) {
	inf := h.SharedInformerFactory().Core().V1().Pods().Informer()
	watch := kube.NewPodWatch(index, time.Now, zerolog.Ctx(ctx).With().Str("component", "pods").Logger()).OnFree(waiting.Kick)
	reg, err := inf.AddEventHandler(watch.Handler())
	if err != nil {
		return nil, fmt.Errorf("pod informer: %w", err)
	}
	_, err = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{DeleteFunc: func(obj any) {
		if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = t.Obj
		}
		if pod, ok := obj.(*corev1.Pod); ok {
			waiting.Remove(pod.UID)
		}
	}})
	if err != nil {
		return nil, fmt.Errorf("pod informer: %w", err)
	}
	return reg.HasSynced, nil
}

func readiness(podsSynced func() bool, watcher *inventory.Watcher) func() error {
	return func() error {
		switch {
		case !podsSynced():
			return errors.New("pod informer not synced")
		case !watcher.Synced():
			return errors.New("inventory watcher not synced")
		}
		return nil
	}
}

func startUI(ctx context.Context, cfg *Config, watcher *inventory.Watcher, index *usage.Index) {
	if cfg.UIAddr == "" {
		return
	}
	view := ui.Handler(func() ui.Entries { return watcher.Snapshot() }, index, time.Now)
	go func() {
		if err := serve(ctx, cfg.UIAddr, view); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("web view stopped")
		}
	}()
	zerolog.Ctx(ctx).Info().Str("url", "http://"+cfg.UIAddr+"/").Msg("web view of the fleet")
}

func serverTLS(cfg *Config) (*tls.Config, error) {
	if cfg.TLSCertFile == "" {
		return nil, nil
	}
	src, err := tlsfile.New(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: src.GetCertificate}, nil
}
