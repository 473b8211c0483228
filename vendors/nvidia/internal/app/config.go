// Package app owns the plugin process: flags and environment into one
// Config, and wiring NVML, health, allocation, the device-plugin server, MIG
// reconciliation and inventory publishing together until the context ends.
package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hami-project/hami/common/natsclient"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/health"
)

// Config is everything the plugin process is told.
type Config struct {
	Node           string
	ConfigFile     string
	Kubeconfig     string
	NATSURL        string
	NATS           natsclient.Flags
	PluginDir      string
	Endpoint       string
	StateDir       string
	LimiterDir     string
	RegionRoot     string
	CorePolicy     string
	Fake           string // system name or description file; empty: real NVML
	IgnoredXIDs    []uint64
	Heartbeat      time.Duration
	TTL            time.Duration
	ReconcileEvery time.Duration
	LogLevel       string
	LogFormat      string
}

// ParseFlags reads flags (with NODE_NAME as the node's default).
func ParseFlags(args []string) (Config, error) {
	var c Config
	var xids string
	fs := flag.NewFlagSet("hami-nvidia-plugin", flag.ContinueOnError)
	fs.StringVar(&c.Node, "node", os.Getenv("NODE_NAME"), "this node's name (default $NODE_NAME)")
	fs.StringVar(&c.Node, "node-name", os.Getenv("NODE_NAME"), "alias of --node")
	fs.StringVar(&c.ConfigFile, "config", "", "HAMi config document (defaults when empty)")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig (default $KUBECONFIG; in-cluster when empty)")
	fs.StringVar(&c.NATSURL, "nats-url", "", "NATS server for the inventory (nothing published when empty)")
	c.NATS.Register(fs)
	fs.StringVar(&c.PluginDir, "device-plugin-dir", "/var/lib/kubelet/device-plugins", "kubelet's device-plugin directory (holds kubelet.sock)")
	fs.StringVar(&c.PluginDir, "kubelet-dir", "/var/lib/kubelet/device-plugins", "alias of --device-plugin-dir")
	fs.StringVar(&c.Endpoint, "endpoint", "hami-nvidia.sock", "socket file name in the device-plugin directory")
	fs.StringVar(&c.StateDir, "state-dir", "/var/lib/hami/nvidia", "checkpoints (served containers, MIG instances)")
	fs.StringVar(&c.LimiterDir, "limiter-dir", "/usr/local/vgpu", "host directory install-limiter writes libvgpu.so into")
	fs.StringVar(&c.RegionRoot, "region-dir", "/var/lib/hami/regions", "host directory of the per-container limiter regions")
	fs.StringVar(&c.CorePolicy, "core-policy", "", "GPU_CORE_UTILIZATION_POLICY for containers that set none (default|force|disable)")
	fs.StringVar(&c.Fake, "fake", "", "fake NVML: "+strings.Join(fake.Systems, "|")+" or a description file")
	fs.StringVar(&xids, "ignored-xids", joinXIDs(health.DefaultIgnoredXIDs), "XIDs that do not mark a GPU unhealthy")
	fs.DurationVar(&c.Heartbeat, "heartbeat", 10*time.Second, "inventory heartbeat")
	fs.DurationVar(&c.TTL, "inventory-ttl", 30*time.Second, "inventory TTL")
	fs.DurationVar(&c.ReconcileEvery, "reconcile", 10*time.Second, "how often MIG instances of finished pods are destroyed")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level")
	fs.StringVar(&c.LogFormat, "log-format", "json", "log format: json or console")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.IgnoredXIDs, err = parseXIDs(xids); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.Node == "" {
		errs = append(errs, errors.New("--node (or NODE_NAME) is required"))
	}
	if c.CorePolicy != "" && !slices.Contains([]string{"default", "force", "disable"}, c.CorePolicy) {
		errs = append(errs, fmt.Errorf("--core-policy %q: must be default, force or disable", c.CorePolicy))
	}
	if c.Heartbeat <= 0 || c.TTL <= c.Heartbeat {
		errs = append(errs, errors.New("--heartbeat must be positive and below --inventory-ttl"))
	}
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, fmt.Errorf("--log-format %q: must be json or console", c.LogFormat))
	}
	if c.ReconcileEvery <= 0 {
		errs = append(errs, errors.New("--reconcile must be positive"))
	}
	if err := c.NATS.Check(c.NATSURL); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// FakeDescription resolves --fake.
func (c *Config) FakeDescription() (fake.Description, error) {
	if slices.Contains(fake.Systems, c.Fake) {
		return fake.ForSystem(c.Fake, c.Node), nil
	}
	return fake.Load(c.Fake)
}

// Checkpoint names carry the node, so that plugins of several simulated
// nodes on one machine never share a file.
func (c *Config) ledgerPath() string { return filepath.Join(c.StateDir, "served-"+c.Node+".json") }
func (c *Config) migPath() string    { return filepath.Join(c.StateDir, "mig-"+c.Node+".json") }

func joinXIDs(xs []uint64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatUint(x, 10)
	}
	return strings.Join(s, ",")
}

func parseXIDs(s string) ([]uint64, error) {
	var out []uint64
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		x, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--ignored-xids %q: %w", f, err)
		}
		out = append(out, x)
	}
	return out, nil
}
