// Command hami-nvidia-plugin is the NVIDIA device plugin of one GPU node
// (default); "monitor" serves the node's usage metrics; "install-limiter" is
// the init step that copies libvgpu.so into the host directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/hami-project/hami/vendors/nvidia"
	"github.com/hami-project/hami/vendors/nvidia/internal/app"
	"github.com/hami-project/hami/vendors/nvidia/internal/limiter"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hami-nvidia-plugin:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 && args[0] == "install-limiter" {
		return installLimiter(args[1:])
	}
	if len(args) > 0 && args[0] == "monitor" {
		return runMonitor(args[1:])
	}
	c, err := app.ParseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level, err := zerolog.ParseLevel(c.LogLevel)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	var out io.Writer = os.Stderr
	if c.LogFormat == "console" {
		out = zerolog.ConsoleWriter{Out: os.Stderr, NoColor: true}
	}
	log := zerolog.New(out).Level(level).With().Timestamp().Str("node", c.Node).Logger()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return app.Run(log.WithContext(ctx), c, nvidia.Version())
}

func installLimiter(args []string) error {
	fs := flag.NewFlagSet("install-limiter", flag.ContinueOnError)
	from := fs.String("from", "/opt/hami/libvgpu.so", "library to install")
	to := fs.String("to", "/usr/local/vgpu", "host directory")
	ver := fs.String("version", nvidia.Version(), "version directory name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in, err := limiter.Install(*from, *to, *ver)
	if err != nil {
		return err
	}
	fmt.Printf("installed %s (current -> %s)\n", in.Library, in.Version)
	return nil
}

func runMonitor(args []string) error {
	mc, err := app.ParseMonitorFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := zerolog.New(os.Stderr).With().Timestamp().Str("component", "monitor").Logger()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return app.RunMonitor(log.WithContext(ctx), mc)
}
