// Package app owns what the Hygon plugin adds to the kit's process: its
// own flags (vDCU limit and directory, DTK directory, health interval,
// library path) and opening the DCU libraries (the real ones or a fake)
// into a dcunode.Node.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/hygon/internal/dcunode"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

// Vendor is the Hygon plugin for the kit.
type Vendor struct {
	MaxVDCU     int
	VDevDir     string
	HyhalDir    string
	HealthEvery time.Duration
	// Library is librocm_smi64.so's path (the default sonames when
	// empty); libhydmi.so is looked for beside it.
	Library string
}

var _ pluginrun.Vendor = (*Vendor)(nil)

// Name implements pluginrun.Vendor.
func (v *Vendor) Name() string { return config.VendorHygon }

// RegisterFlags implements pluginrun.Vendor.
func (v *Vendor) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&v.MaxVDCU, "max-vdcu", sdk.DefaultMaxVDevices, "most vDCUs one card holds (the driver's own limit lowers it)")
	fs.StringVar(&v.VDevDir, "vdev-dir", "/var/lib/hami/hygon/vdev", "host directory of the per-container vDCU configs (<pod uid>_<container>/vdev0.conf)")
	fs.StringVar(&v.HyhalDir, "hyhal-dir", "/opt/hyhal", "host DTK directory mounted read-only at /opt/hyhal where it exists (empty: never)")
	fs.DurationVar(&v.HealthEvery, "health-interval", 5*time.Second, "how often card health is polled")
	fs.StringVar(&v.Library, "rocm-smi-lib", "", "path of librocm_smi64.so (default: the usual sonames and /opt/hyhal/lib)")
}

// Validate implements pluginrun.Vendor.
func (v *Vendor) Validate() error {
	var errs []error
	if v.MaxVDCU < 1 {
		errs = append(errs, fmt.Errorf("--max-vdcu %d: must be at least 1", v.MaxVDCU))
	}
	if !filepath.IsAbs(v.VDevDir) {
		errs = append(errs, fmt.Errorf("--vdev-dir %q: must be an absolute path (the kubelet mounts it)", v.VDevDir))
	}
	if v.HealthEvery <= 0 {
		errs = append(errs, fmt.Errorf("--health-interval %s: must be positive", v.HealthEvery))
	}
	return errors.Join(errs...)
}

// Open implements pluginrun.Vendor.
func (v *Vendor) Open(ctx context.Context, env *pluginrun.Env) (pluginrun.Node, error) {
	lib, release, err := v.openLibrary(env.Config)
	if err != nil {
		return nil, err
	}
	n, err := dcunode.Discover(lib, dcunode.Options{
		MaxVDCU: v.MaxVDCU, VDevDir: v.VDevDir, HyhalDir: v.HyhalDir, DevRoot: env.Config.DevRoot, HealthEvery: v.HealthEvery,
		MissingDevicesOK: fakeOnHostRoot(env.Config),
	}, env, release)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("discover DCUs: %w", err), release())
	}
	zerolog.Ctx(ctx).Debug().Int("dcus", len(n.Devices())).Msg("discovered DCUs")
	return n, nil
}

// openLibrary returns an initialised library and what releases it: the
// fake (a model name or a description file), or the driver's libraries,
// loaded only here so the binary runs without them in fake mode.
func (v *Vendor) openLibrary(c pluginrun.Config) (sdk.Library, func() error, error) {
	if c.Fake != "" {
		f, err := fakeLibrary(c)
		if err != nil {
			return nil, nil, err
		}
		return f, f.Shutdown, f.Init()
	}
	b, err := sdk.Open(v.Library)
	if err != nil {
		return nil, nil, err
	}
	if err := b.Init(); err != nil {
		return nil, nil, errors.Join(fmt.Errorf("init ROCm SMI (is the DCU driver installed?): %w", err), b.Close())
	}
	return b, func() error { return errors.Join(b.Shutdown(), b.Close()) }, nil
}

// fakeLibrary is the fake --fake names: a model (a whole server, its
// identities seeded by the node name) or a description file. Its driver
// state and device files live where a real driver's would be found.
func fakeLibrary(c pluginrun.Config) (*sdk.Fake, error) {
	desc := sdk.ForModel(c.Fake, c.Node)
	if !slices.Contains(sdk.ModelNames(), c.Fake) {
		var err error
		if desc, err = sdk.LoadDescription(c.Fake); err != nil {
			return nil, fmt.Errorf("--fake %s: not a model (%s) nor a readable description: %w", c.Fake, strings.Join(sdk.ModelNames(), ", "), err)
		}
	}
	opts := sdk.FakeOptions{StatePath: c.StatePath("fake-driver"), DevRoot: c.DevRoot}
	if fakeOnHostRoot(c) {
		opts.DevRoot = "" // never fake device files in the host's own /dev
	}
	return sdk.NewFake(desc, opts)
}

// fakeOnHostRoot is a fake left with the default --dev-root "/" (simulated
// nodes, demos): it makes no device files, and the answer lists those that
// happen to exist.
func fakeOnHostRoot(c pluginrun.Config) bool {
	return c.Fake != "" && filepath.Clean(c.DevRoot) == "/"
}
