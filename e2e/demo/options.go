package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"
)

// Namespace holds the sample workload.
const Namespace = "hami-demo"

// FakeServers are the server models the simulated nodes cycle through.
var FakeServers = []string{"dgxa100", "dgxh100", "dgxh200", "dgxb200"}

// Options say what to run.
type Options struct {
	// Nodes is the number of simulated GPU nodes.
	Nodes int
	// BinDir holds hami-scheduler, hami-webhook and hami-nvidia-plugin.
	BinDir string
	// Examples is the folder of the sample workload.
	Examples string
	// Limiter is the libvgpu.so every node gets (hami-core's build).
	Limiter string
	// UIAddr is where the scheduler serves the web view.
	UIAddr string
	// RealNode adds the machine's own kubelet node when it can run one.
	RealNode bool
	// Extender runs hami-scheduler as the extender of an unmodified
	// kube-scheduler instead of as kube-scheduler with the HAMi plugin
	// compiled in (the default).
	Extender bool
	// Hold is called once the table is printed; Run returns when it does.
	// Nil means return at once (--once).
	Hold func(ctx context.Context, r *Result) error
	Out  io.Writer
	Log  zerolog.Logger
}

func (o *Options) validate() error {
	if o.Nodes < 1 {
		return fmt.Errorf("nodes %d: run at least one simulated node (DEMO_NODES)", o.Nodes)
	}
	for _, bin := range []string{"hami-scheduler", "hami-webhook", "hami-nvidia-plugin"} {
		if _, err := os.Stat(filepath.Join(o.BinDir, bin)); err != nil {
			return fmt.Errorf("binary %s: %w (build it with `make build-bin`)", bin, err)
		}
	}
	if _, err := os.Stat(o.Examples); err != nil {
		return fmt.Errorf("examples: %w", err)
	}
	if _, err := os.Stat(o.Limiter); err != nil {
		return fmt.Errorf("limiter: %w (build it with `make -C hami-core`)", err)
	}
	if o.Out == nil {
		return errors.New("demo: an output writer is required")
	}
	return nil
}

func (o *Options) bin(name string) string { return filepath.Join(o.BinDir, name) }
