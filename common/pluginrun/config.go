package pluginrun

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/natsclient"
)

// Config is what every vendor plugin process is told, from flags and the
// environment. A vendor's own flags live in its Vendor.
type Config struct {
	// Vendor is the configuration's vendor key (cambricon, nvidia, ...);
	// set by the vendor, not a flag.
	Vendor     string
	Node       string
	ConfigFile string
	Kubeconfig string
	NATSURL    string
	NATS       natsclient.Flags
	PluginDir  string
	Endpoint   string
	StateDir   string
	// DevRoot is where the device files the plugin hands out are found
	// ("/" on a real node; a fake driver's folder in tests).
	DevRoot string
	// Fake selects the vendor's fake library: a model name or a
	// description file. Empty: the real library.
	Fake           string
	Heartbeat      time.Duration
	TTL            time.Duration
	ReconcileEvery time.Duration
	// MetricsListen serves the node's device metrics when set.
	MetricsListen string
	Log           logging.Options
}

// Register adds the common flags to fs, with defaults named after vendor.
func (c *Config) Register(fs *flag.FlagSet, vendor string) {
	c.Vendor = vendor
	fs.StringVar(&c.Node, "node", os.Getenv("NODE_NAME"), "this node's name (default $NODE_NAME)")
	fs.StringVar(&c.Node, "node-name", os.Getenv("NODE_NAME"), "alias of --node")
	fs.StringVar(&c.ConfigFile, "config", "", "HAMi config document (defaults when empty)")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig (default $KUBECONFIG; in-cluster when empty)")
	fs.StringVar(&c.NATSURL, "nats-url", "", "NATS server for the inventory (nothing published when empty)")
	c.NATS.Register(fs)
	fs.StringVar(&c.PluginDir, "device-plugin-dir", "/var/lib/kubelet/device-plugins", "kubelet's device-plugin directory (holds kubelet.sock)")
	fs.StringVar(&c.PluginDir, "kubelet-dir", "/var/lib/kubelet/device-plugins", "alias of --device-plugin-dir")
	fs.StringVar(&c.Endpoint, "endpoint", "hami-"+vendor+".sock", "socket file name in the device-plugin directory")
	fs.StringVar(&c.StateDir, "state-dir", "/var/lib/hami/"+vendor, "checkpoints (served containers, partitions)")
	fs.StringVar(&c.DevRoot, "dev-root", "/", "root the device files are found under")
	fs.StringVar(&c.Fake, "fake", "", "fake "+vendor+" library: a model name or a description file (empty: the real library)")
	fs.DurationVar(&c.Heartbeat, "heartbeat", 10*time.Second, "inventory heartbeat")
	fs.DurationVar(&c.TTL, "inventory-ttl", 30*time.Second, "inventory TTL")
	fs.DurationVar(&c.ReconcileEvery, "reconcile", 10*time.Second, "how often partitions and container directories of finished pods are removed")
	fs.StringVar(&c.MetricsListen, "metrics-listen", "", "address to serve the node's device metrics on (off when empty)")
	fs.StringVar(&c.Log.Level, "log-level", "info", "log level")
	fs.StringVar(&c.Log.Format, "log-format", logging.FormatJSON, "log format: json or console")
}

// Validate checks the common flags, naming each bad one.
func (c *Config) Validate() error {
	var errs []error
	if c.Node == "" {
		errs = append(errs, errors.New("--node (or NODE_NAME) is required"))
	}
	if c.Heartbeat <= 0 || c.TTL <= c.Heartbeat {
		errs = append(errs, fmt.Errorf("--heartbeat %s must be positive and below --inventory-ttl %s", c.Heartbeat, c.TTL))
	}
	if c.ReconcileEvery <= 0 {
		errs = append(errs, errors.New("--reconcile must be positive"))
	}
	if c.Endpoint == "" || filepath.Base(c.Endpoint) != c.Endpoint {
		errs = append(errs, fmt.Errorf("--endpoint %q: must be a file name in --device-plugin-dir", c.Endpoint))
	}
	if err := c.NATS.Check(c.NATSURL); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// StatePath is the checkpoint file name in the state directory. Names carry
// the node, so plugins of several simulated nodes on one machine never
// share a file.
func (c *Config) StatePath(name string) string {
	return filepath.Join(c.StateDir, name+"-"+c.Node+".json")
}
