// Package pluginrun owns a vendor plugin's process: the flags every plugin
// takes, logging, signals, and wiring the kit together (health, the
// kubelet's device-plugin server under the configured resource name, the
// generic allocator, partitions, inventory over NATS, metrics) around what
// a vendor supplies: its devices and its answer for one container.
package pluginrun

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hami-project/hami/common/logging"
)

// Command is a vendor's extra subcommand (e.g. install-limiter).
type Command func(ctx context.Context, args []string) error

// Main is a vendor plugin binary: "monitor" serves the node's device
// metrics, a name in commands runs that subcommand, anything else runs the
// plugin. It returns nil after --help.
func Main(args []string, v Vendor, version string, commands map[string]Command) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, args[1:])
		}
		if args[0] == "monitor" {
			return monitor(ctx, args[1:], v)
		}
	}
	c, err := Parse("hami-"+v.Name()+"-plugin", args, v)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log, err := logging.New(os.Stderr, c.Log)
	if err != nil {
		return err
	}
	log = log.With().Str("node", c.Node).Str("vendor", v.Name()).Logger()
	return Run(logging.Into(ctx, log), c, v, version)
}

// Parse reads the common flags and the vendor's own, and validates both.
func Parse(name string, args []string, v Vendor) (Config, error) {
	var c Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.Register(fs, v.Name())
	v.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q: every setting is a flag (see --help)", fs.Args())
	}
	return c, errors.Join(c.Validate(), v.Validate())
}

// monitor serves the node's device metrics without running the plugin:
// the vendor's library is opened read-only, no kubelet or NATS involved.
func monitor(ctx context.Context, args []string, v Vendor) error {
	c, err := Parse("monitor", append([]string{"--node=monitor"}, args...), v)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.MetricsListen == "" {
		c.MetricsListen = ":9394"
	}
	log, err := logging.New(os.Stderr, c.Log)
	if err != nil {
		return err
	}
	ctx = logging.Into(ctx, log.With().Str("component", "monitor").Str("vendor", v.Name()).Logger())
	env, err := NewEnv(c)
	if err != nil {
		return err
	}
	node, err := v.Open(ctx, env)
	if err != nil {
		return err
	}
	defer func() { _ = node.Close() }()
	col, ok := node.(Collecting)
	if !ok {
		return fmt.Errorf("the %s plugin exports no device metrics", v.Name())
	}
	return serveMetrics(ctx, c.MetricsListen, col.Collector())
}
