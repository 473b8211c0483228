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

// FakeServers are the server models the simulated NVIDIA nodes cycle
// through.
var FakeServers = []string{"dgxa100", "dgxh100", "dgxh200", "dgxb200"}

// VendorServer is a simulated node of another vendor, with that vendor's
// plugin on a fake model.
type VendorServer struct {
	Vendor string
	Model  string
	// Prefix names the node (<prefix>0).
	Prefix string
}

// VendorServers join the NVIDIA nodes in every fleet: the mixed fleet.
var VendorServers = []VendorServer{
	{Vendor: "cambricon", Model: "MLU370-X8", Prefix: "mlu-"},
	{Vendor: "hygon", Model: "K100-AI", Prefix: "dcu-"},
}

// pluginBinary is a vendor's plugin command.
func pluginBinary(vendor string) string { return "hami-" + vendor + "-plugin" }

// Options say what to run.
type Options struct {
	// Nodes is the number of simulated NVIDIA nodes; one node of each of
	// VendorServers joins them.
	Nodes int
	// BinDir holds hami-scheduler, hami-webhook and every vendor's plugin.
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
	bins := []string{"hami-scheduler", "hami-webhook", pluginBinary("nvidia")}
	for _, v := range VendorServers {
		bins = append(bins, pluginBinary(v.Vendor))
	}
	for _, bin := range bins {
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
