package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/scheduler/internal/extender"
)

// pluginFlags are the flags of the plugin front end that are HAMi's own;
// every other flag is kube-scheduler's. Their names keep clear of
// kube-scheduler's (it has --config, --kubeconfig, --tls-cert-file,
// --profiling and --leader-elect of its own).
func pluginFlags(c *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("hami-scheduler", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "hami-addr", ":8888", "listen address of /healthz, /readyz, /metrics (hami_*), and the extender verbs for inspection")
	fs.StringVar(&c.TLSCertFile, "hami-tls-cert-file", "", "PEM certificate to serve --hami-addr over HTTPS with; re-read when it changes")
	fs.StringVar(&c.TLSKeyFile, "hami-tls-key-file", "", "PEM private key of --hami-tls-cert-file")
	fs.StringVar(&c.UIAddr, "ui-addr", "", "listen address of the web view of the fleet; empty turns it off")
	fs.StringVar(&c.ConfigFile, "hami-config", "", "config.hami.io/v1 document; empty means the defaults")
	fs.DurationVar(&c.Reload, "hami-config-reload", 5*time.Second, "how often to check --hami-config for changes")
	fs.StringVar(&c.NATSURL, "nats-url", "", "NATS server URL; empty starts an embedded server")
	c.NATS.Register(fs)
	fs.StringVar(&c.NATSHost, "nats-host", "127.0.0.1", "listen host of the embedded NATS server")
	fs.IntVar(&c.NATSPort, "nats-port", 4222, "listen port of the embedded NATS server (-1: any free port)")
	fs.StringVar(&c.NATSStoreDir, "nats-store-dir", "/var/lib/hami/nats", "JetStream store of the embedded NATS server")
	fs.StringVar(&c.Bucket, "bucket", inventory.DefaultBucket, "JetStream key-value bucket of the inventories")
	fs.StringVar((*string)(&c.NodeChoice), "node-choice", string(extender.BestNodes),
		"best: the nodes the pod's node policy scores highest win, kube-scheduler's scores break ties; weighted: the policy's scores, spread over 0..100, are weighed with kube-scheduler's")
	fs.StringVar(&c.Log.Level, "hami-log-level", "info", "trace, debug, info, warn or error (HAMi's own log; kube-scheduler's is -v)")
	fs.StringVar(&c.Log.Format, "hami-log-format", "json", "json or console")
	return fs
}

// parsePluginFlags takes HAMi's flags out of args and returns the rest,
// kube-scheduler's, in their order.
func parsePluginFlags(args []string, stderr io.Writer) (*Config, []string, error) {
	c := &Config{KubeQPS: 1, KubeBurst: 1}
	fs := pluginFlags(c)
	fs.SetOutput(stderr)
	ours, rest := splitFlags(fs, args)
	if err := fs.Parse(ours); err != nil {
		return nil, nil, err
	}
	if err := c.completePlugin(); err != nil {
		return nil, nil, err
	}
	return c, rest, nil
}

// splitFlags sorts args into the flags fs defines (with their values) and
// the others. A flag's value is the rest of the argument after "=", else
// the next argument, except for boolean flags.
func splitFlags(fs *flag.FlagSet, args []string) (ours, rest []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		f := fs.Lookup(name)
		if !strings.HasPrefix(arg, "-") || f == nil {
			rest = append(rest, arg)
			continue
		}
		ours = append(ours, arg)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || (ok && b.IsBoolFlag()) {
			continue
		}
		if i+1 < len(args) {
			i++
			ours = append(ours, args[i])
		}
	}
	return ours, rest
}

func (c *Config) completePlugin() error {
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return errors.New("--hami-tls-cert-file and --hami-tls-key-file: give both to serve HTTPS, or neither for plain HTTP")
	}
	if !slices.Contains(extender.NodeChoices, c.NodeChoice) {
		return fmt.Errorf("--node-choice: %q is not one of %v", c.NodeChoice, extender.NodeChoices)
	}
	if c.Reload <= 0 {
		return errors.New("--hami-config-reload: must be positive, e.g. 5s")
	}
	if err := c.NATS.Check(c.NATSURL); err != nil {
		return fmt.Errorf("%w (the embedded server listens on loopback and takes neither)", err)
	}
	if c.NATSURL == "" && c.NATSStoreDir == "" {
		return errors.New("--nats-store-dir: required for the embedded NATS server (or give --nats-url)")
	}
	return nil
}
