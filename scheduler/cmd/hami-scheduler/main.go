// Command hami-scheduler places pods that ask for shares of devices. By
// default it is kube-scheduler with the HAMi plugin compiled in (every
// kube-scheduler flag, plus the --hami-* and --nats-* flags of its own);
// `hami-scheduler extender` is the extender front end for clusters that run
// an unmodified kube-scheduler; `hami-scheduler default-config` prints the
// KubeSchedulerConfiguration the plugin front end uses when given none.
// Both front ends watch the fleet's device inventories over NATS and the
// cluster's pods, and make the same decisions.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/kubeclient"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/kube"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

func main() {
	args := os.Args[1:]
	var err error
	switch {
	case len(args) > 0 && args[0] == "extender":
		err = extenderMain(args[1:])
	case len(args) > 0 && args[0] == "default-config":
		err = printDefaultConfig(os.Stdout, args[1:])
	default:
		err = pluginMain(args)
	}
	if err != nil {
		os.Exit(1)
	}
}

// extenderMain runs the extender front end: hami-scheduler serves the
// extender verbs to an unmodified kube-scheduler.
func extenderMain(args []string) error {
	cfg, err := parseFlags(args, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-scheduler extender:", err)
		return err
	}
	log, err := logging.New(os.Stderr, cfg.Log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-scheduler extender:", err)
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(logging.Into(ctx, log), cfg)
	stop()
	if err != nil {
		log.Error().Err(err).Msg("hami-scheduler stopped")
	}
	return err
}

func run(ctx context.Context, cfg *Config) error {
	log := zerolog.Ctx(ctx)
	store, err := settings.Load(cfg.ConfigFile)
	if err != nil {
		return err
	}
	client, err := kubeClient(cfg)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	nc, closeNATS, err := connectNATS(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeNATS()
	watcher, err := startWatcher(ctx, nc, cfg, reg, store, nil)
	if err != nil {
		return err
	}
	index := usage.NewIndex()
	podsSynced, pods := startPodInformer(ctx, client, index)

	ready := func() error {
		switch {
		case !podsSynced():
			return errors.New("pod informer not synced")
		case !watcher.Synced():
			return errors.New("inventory watcher not synced")
		}
		return nil
	}
	var leading atomic.Bool
	leading.Store(!cfg.LeaderElect)
	if cfg.LeaderElect {
		go runLeaderElection(ctx, client, cfg, &leading)
	}
	sched, err := extender.New(extender.Deps{
		Fleet: fleet{watcher}, Settings: store, Index: index, Pods: kube.NewPods(pods, client),
		Binder: kube.NewBinder(client), IsLeader: leading.Load, Ready: ready, Metrics: extender.NewMetrics(reg),
		NodeChoice: cfg.NodeChoice,
	})
	if err != nil {
		return err
	}
	reg.MustRegister(extender.NewUsageCollector(watcher, index))
	go store.Watch(ctx, cfg.Reload)

	startUI(ctx, cfg, watcher, index)
	tlsConfig, err := serverTLS(cfg)
	if err != nil {
		return err
	}
	log.Info().Str("addr", cfg.Addr).Bool("https", tlsConfig != nil).Str("nodeChoice", string(cfg.NodeChoice)).Bool("leaderElect", cfg.LeaderElect).Msg("serving the extender")
	h := extender.Handler(ctx, sched, ready, metrics.Handler(reg))
	if cfg.Profiling {
		h = withProfiling(h)
	}
	return serveTLS(ctx, cfg.Addr, h, tlsConfig)
}

func kubeClient(cfg *Config) (kubernetes.Interface, error) {
	rc, err := kubeclient.Config(cfg.Kubeconfig)
	if err != nil {
		return nil, err
	}
	rc.QPS, rc.Burst = float32(cfg.KubeQPS), cfg.KubeBurst
	kubeclient.UseProtobuf(rc)
	return kubeclient.NewForConfig(rc)
}

// startWatcher follows the inventory bucket and teaches the settings every
// vendor's resource names as plugins publish them.
// changed, when not nil, is called for each inventory that arrives or
// changes.
func startWatcher(ctx context.Context, nc *nats.Conn, cfg *Config, reg prometheus.Registerer, store *settings.Store, changed func()) (*inventory.Watcher, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	w, err := inventory.NewWatcher(js, inventory.WithBucket(cfg.Bucket), inventory.WithRegisterer(reg))
	if err != nil {
		return nil, err
	}
	sub := w.Subscribe(1024)
	go func() {
		for ev := range sub.Events() {
			if ev.Type == inventory.EventPut || ev.Type == inventory.EventFresh {
				if err := store.Publish(ev.Inventory); err != nil {
					zerolog.Ctx(ctx).Error().Err(err).Str("key", ev.Key).Msg("resource names of this inventory clash with another vendor's")
				}
				if changed != nil {
					changed()
				}
			}
		}
	}()
	go func() {
		if err := w.Run(ctx); err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("inventory watcher stopped")
		}
	}()
	return w, nil
}

func startPodInformer(ctx context.Context, client kubernetes.Interface, index *usage.Index) (func() bool, corelisters.PodLister) {
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithTransform(dropManagedFields))
	inf := factory.Core().V1().Pods()
	watch := kube.NewPodWatch(index, time.Now, zerolog.Ctx(ctx).With().Str("component", "pods").Logger())
	if _, err := inf.Informer().AddEventHandler(watch.Handler()); err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("pod informer handler")
	}
	factory.Start(ctx.Done())
	return inf.Informer().HasSynced, inf.Lister()
}

// withProfiling adds Go's pprof endpoints under /debug/pprof/ to h.
func withProfiling(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// dropManagedFields keeps the informer's cache of every pod in the cluster
// free of the field ownership records, which nothing here reads.
func dropManagedFields(obj any) (any, error) {
	if m, ok := obj.(metav1.Object); ok {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

func serve(ctx context.Context, addr string, h http.Handler) error {
	return serveTLS(ctx, addr, h, nil)
}

// serveTLS serves h on addr until ctx ends, over HTTPS when tlsConfig is
// not nil.
func serveTLS(ctx context.Context, addr string, h http.Handler, tlsConfig *tls.Config) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve %s: %w", addr, err)
	}
	return serveOn(ctx, ln, h, tlsConfig)
}

// serveOn serves h on ln until ctx ends. Over HTTPS, kube-scheduler speaks
// HTTP/2 to the extender and its calls share one connection; over plain
// HTTP its client keeps two idle connections, and every concurrent bind
// beyond them opens and closes a connection of its own.
func serveOn(ctx context.Context, ln net.Listener, h http.Handler, tlsConfig *tls.Config) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, TLSConfig: tlsConfig}
	errc := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
