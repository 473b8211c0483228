package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/hami-project/hami/e2e/harness/pki"
	"github.com/hami-project/hami/e2e/harness/proc"
)

// DirPrefix starts the name of every cluster directory; the process id that
// follows lets a later run tell its own leftovers from a dead run's.
const DirPrefix = "hami-e2e-"

// Options configure a cluster.
type Options struct {
	// Log receives one line per lifecycle event; nothing is logged when nil.
	Log *zerolog.Logger
	// Namespaces get their `default` ServiceAccount and kube-root-ca.crt
	// ConfigMap before Start returns ("default" always does).
	Namespaces []string
	// StartTimeout bounds Start; 60 s when zero.
	StartTimeout time.Duration
}

// Cluster is a running control plane and whatever was started on it.
type Cluster struct {
	paths  Paths
	dir    string
	log    zerolog.Logger
	ca     *pki.CA
	tokens tokens
	admin  *rest.Config
	client kubernetes.Interface

	mu      sync.Mutex
	stops   []stopStep // run in reverse order by Stop
	stopped bool
	stopErr error
}

type stopStep struct {
	name string
	fn   func() error
}

// Start builds nothing: it expects hack/build-k8s.sh to have run. It starts
// etcd and kube-apiserver and creates what kube-controller-manager would
// have created for the tests.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	paths, err := FindPaths()
	if err != nil {
		return nil, err
	}
	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	log := zerolog.Nop()
	if opts.Log != nil {
		log = *opts.Log
	}
	c, err := newCluster(paths, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.Stop())
		}
	}()
	if err := c.startControlPlane(ctx); err != nil {
		return nil, err
	}
	if err := c.bootstrap(ctx, append([]string{"default"}, opts.Namespaces...)); err != nil {
		return nil, err
	}
	return c, nil
}

func newCluster(paths Paths, log zerolog.Logger) (*Cluster, error) {
	reapStale(log)
	dir, err := os.MkdirTemp("", DirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("create cluster dir: %w", err)
	}
	ca, err := pki.NewCA("hami-e2e-ca")
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	c := &Cluster{paths: paths, dir: dir, log: log, ca: ca, tokens: newTokens()}
	c.onStop("cluster dir", c.removeDir)
	c.stopOnSignal()
	log.Info().Str("dir", dir).Msg("cluster dir created")
	return c, nil
}

func (c *Cluster) startControlPlane(ctx context.Context) error {
	etcdURL, err := c.startEtcd(ctx)
	if err != nil {
		return err
	}
	return c.startAPIServer(ctx, etcdURL)
}

// Dir is the cluster's temporary directory (logs, configs, state).
func (c *Cluster) Dir() string { return c.dir }

// Kubeconfig is the path of the admin kubeconfig, for processes a test
// starts (a scheduler, a plugin, kubectl).
func (c *Cluster) Kubeconfig() string { return filepath.Join(c.dir, "admin.kubeconfig") }

// CA is the cluster's certificate authority; issue webhook serving
// certificates from it so the apiserver trusts them.
func (c *Cluster) CA() *pki.CA { return c.ca }

// RESTConfig returns a copy of the cluster-admin client config.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.admin) }

// Client is a cluster-admin clientset.
func (c *Cluster) Client() kubernetes.Interface { return c.client }

// Log is the cluster's logger.
func (c *Cluster) Log() zerolog.Logger { return c.log }

// OnStop registers fn to run when the cluster stops, before everything
// registered earlier: components started later stop first.
func (c *Cluster) OnStop(name string, fn func() error) { c.onStop(name, fn) }

func (c *Cluster) onStop(name string, fn func() error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stops = append(c.stops, stopStep{name: name, fn: fn})
}

// Stop tears everything down in reverse start order, kills any process of
// this cluster still alive, unmounts and removes its directory. It is
// idempotent.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return c.stopErr
	}
	c.stopped = true
	steps := c.stops
	c.stops = nil
	c.mu.Unlock()

	var errs []error
	for i := len(steps) - 1; i >= 0; i-- {
		start := time.Now()
		if err := steps[i].fn(); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", steps[i].name, err))
		}
		if took := time.Since(start); took > time.Second {
			c.log.Info().Str("step", steps[i].name).Str("took", took.Round(time.Millisecond).String()).Msg("slow stop")
		}
	}
	c.mu.Lock()
	c.stopErr = errors.Join(errs...)
	c.mu.Unlock()
	c.log.Info().Err(c.stopErr).Msg("cluster stopped")
	return c.stopErr
}

// removeDir runs last: it kills stragglers (container shims and their
// children), detaches mounts and deletes the directory.
func (c *Cluster) removeDir() error {
	killed, err := proc.Kill(proc.Mentions(c.dir))
	for _, p := range killed {
		c.log.Warn().Str("process", p.String()).Msg("killed leftover process")
	}
	if len(killed) > 0 {
		time.Sleep(200 * time.Millisecond)
	}
	return errors.Join(err, proc.UnmountUnder(c.dir), os.RemoveAll(c.dir))
}

// StartComponent starts a binary of the project (a scheduler, a plugin) as
// part of the cluster: its log goes to <Dir>/<name>.log, and Stop (or an
// interrupt) stops it before the control plane, like every other component.
func (c *Cluster) StartComponent(name, path string, args ...string) (*proc.Process, error) {
	return c.startProcess(name, path, 5*time.Second, args...)
}

// startProcess starts a component with its log in the cluster directory and
// registers its stop.
func (c *Cluster) startProcess(name, path string, grace time.Duration, args ...string) (*proc.Process, error) {
	p, err := proc.Start(proc.Spec{
		Name:    name,
		Path:    path,
		Args:    args,
		LogPath: filepath.Join(c.dir, name+".log"),
	})
	if err != nil {
		return nil, err
	}
	c.onStop(name, func() error { return p.Stop(grace) })
	c.log.Info().Str("component", name).Int("pid", p.Pid()).Msg("started")
	return p, nil
}
