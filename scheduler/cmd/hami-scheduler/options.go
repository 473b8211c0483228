package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/natsclient"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

// Config is everything the scheduler is started with: flags, then the
// environment for the pod's identity.
type Config struct {
	Addr string
	// TLSCertFile and TLSKeyFile, when given, serve Addr over HTTPS (and
	// HTTP/2); the pair is re-read when the files change.
	TLSCertFile string
	TLSKeyFile  string
	UIAddr      string
	Kubeconfig  string
	// KubeQPS and KubeBurst bound the API client: binding writes once per
	// pod (the Binding carries the allocation), so they cap pods per second.
	KubeQPS    float64
	KubeBurst  int
	ConfigFile string
	Reload     time.Duration

	NATSURL      string
	NATS         natsclient.Flags
	NATSHost     string
	NATSPort     int
	NATSStoreDir string
	Bucket       string

	// NodeChoice is who chooses among the nodes a pod fits on.
	NodeChoice extender.NodeChoice

	// Profiling serves Go's pprof endpoints under /debug/pprof/ on Addr.
	Profiling bool

	LeaderElect    bool
	LeaseNamespace string
	LeaseName      string
	Identity       string

	Log logging.Options
}

func parseFlags(args []string, stderr io.Writer) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet("hami-scheduler", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", ":8888", "listen address of the extender, health and metrics endpoints")
	fs.StringVar(&c.TLSCertFile, "tls-cert-file", "", "PEM certificate to serve --addr over HTTPS with; re-read when it changes")
	fs.StringVar(&c.TLSKeyFile, "tls-key-file", "", "PEM private key of --tls-cert-file")
	fs.StringVar(&c.UIAddr, "ui-addr", "", "listen address of the web view of the fleet; empty turns it off")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", "", "kubeconfig file; empty means in-cluster")
	fs.Float64Var(&c.KubeQPS, "kube-api-qps", 1000, "API requests per second; each bound pod takes one")
	fs.IntVar(&c.KubeBurst, "kube-api-burst", 2000, "API requests allowed in a burst above --kube-api-qps")
	fs.StringVar(&c.ConfigFile, "config", "", "config.hami.io/v1 document; empty means the defaults")
	fs.DurationVar(&c.Reload, "config-reload", 5*time.Second, "how often to check the config file for changes")
	fs.StringVar(&c.NATSURL, "nats-url", "", "NATS server URL; empty starts an embedded server")
	c.NATS.Register(fs)
	fs.StringVar(&c.NATSHost, "nats-host", "127.0.0.1", "listen host of the embedded NATS server")
	fs.IntVar(&c.NATSPort, "nats-port", 4222, "listen port of the embedded NATS server (-1: any free port)")
	fs.StringVar(&c.NATSStoreDir, "nats-store-dir", "/var/lib/hami/nats", "JetStream store of the embedded NATS server")
	fs.StringVar(&c.Bucket, "bucket", inventory.DefaultBucket, "JetStream key-value bucket of the inventories")
	fs.StringVar((*string)(&c.NodeChoice), "node-choice", string(extender.BestNodes),
		"best: filter keeps only the nodes the pod's node policy scores highest, and kube-scheduler's scores break ties (configure no prioritizeVerb); "+
			"weighted: filter keeps every node that fits, and prioritize's scores are added to kube-scheduler's (configure prioritizeVerb)")
	fs.BoolVar(&c.Profiling, "profiling", false, "serve pprof profiles under /debug/pprof/ on --addr")
	fs.BoolVar(&c.LeaderElect, "leader-elect", true, "elect a leader through a Lease; only the leader binds")
	fs.StringVar(&c.LeaseNamespace, "lease-namespace", "kube-system", "namespace of the leader Lease")
	fs.StringVar(&c.LeaseName, "lease-name", "hami-scheduler", "name of the leader Lease")
	fs.StringVar(&c.Identity, "identity", "", "leader election identity; empty means hostname and pid")
	fs.StringVar(&c.Log.Level, "log-level", "info", "trace, debug, info, warn or error")
	fs.StringVar(&c.Log.Format, "log-format", "json", "json or console")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q: every setting is a flag", fs.Args())
	}
	return c, c.complete()
}

func (c *Config) complete() error {
	if c.Identity == "" {
		host, err := os.Hostname()
		if err != nil {
			return fmt.Errorf("--identity: not given and no hostname: %w", err)
		}
		c.Identity = fmt.Sprintf("%s_%d", host, os.Getpid())
	}
	if c.KubeQPS <= 0 || c.KubeBurst < 1 {
		return errors.New("--kube-api-qps and --kube-api-burst: must be positive, e.g. 1000 and 2000")
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return errors.New("--tls-cert-file and --tls-key-file: give both to serve HTTPS, or neither for plain HTTP")
	}
	if !slices.Contains(extender.NodeChoices, c.NodeChoice) {
		return fmt.Errorf("--node-choice: %q is not one of %v", c.NodeChoice, extender.NodeChoices)
	}
	if c.Reload <= 0 {
		return errors.New("--config-reload: must be positive, e.g. 5s")
	}
	if err := c.NATS.Check(c.NATSURL); err != nil {
		return fmt.Errorf("%w (the embedded server listens on loopback and takes neither)", err)
	}
	if c.NATSURL == "" && c.NATSStoreDir == "" {
		return errors.New("--nats-store-dir: required for the embedded NATS server (or give --nats-url)")
	}
	return nil
}
