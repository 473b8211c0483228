// Package app owns what the Cambricon plugin adds to the kit's process: its
// own flags (the library path, the health poll) and opening CNDev (the
// real libcndev.so or a fake) into an mlunode.Node with its sMLU
// partition manager.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/cambricon/internal/mlunode"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

// Vendor is the Cambricon plugin for the kit.
type Vendor struct {
	// Library is libcndev.so's path; empty tries sdk.DefaultLibraryNames.
	Library     string
	HealthEvery time.Duration
}

var _ pluginrun.Vendor = (*Vendor)(nil)

// Name implements pluginrun.Vendor.
func (v *Vendor) Name() string { return config.VendorCambricon }

// RegisterFlags implements pluginrun.Vendor.
func (v *Vendor) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&v.Library, "cndev-library", "", "path of libcndev.so (default: the loader's search path)")
	fs.DurationVar(&v.HealthEvery, "health-interval", 5*time.Second, "how often CNDev's card health is polled")
}

// Validate implements pluginrun.Vendor.
func (v *Vendor) Validate() error {
	if v.HealthEvery <= 0 {
		return fmt.Errorf("--health-interval %s: must be positive", v.HealthEvery)
	}
	return nil
}

// Open implements pluginrun.Vendor.
func (v *Vendor) Open(ctx context.Context, env *pluginrun.Env) (pluginrun.Node, error) {
	lib, err := v.open(env.Config, DevRoot(env.Config))
	if err != nil {
		return nil, err
	}
	closeLib := func() { _ = mlunode.Shutdown(lib) }
	cards, err := mlunode.Discover(lib)
	if err != nil {
		closeLib()
		return nil, fmt.Errorf("discover MLU cards: %w", err)
	}
	zerolog.Ctx(ctx).Debug().Int("cards", len(cards)).Msg("discovered MLU cards")
	parts, err := env.Partitions(mlunode.NewDriver(lib))
	if err != nil {
		closeLib()
		return nil, err
	}
	return mlunode.New(lib, cards, mlunode.Options{DevRoot: DevRoot(env.Config), HealthEvery: v.HealthEvery}, parts), nil
}

// open returns an initialised CNDev: the fake (a model name seeded by the
// node, or a description file) with its sMLU state in the state directory
// and its device files under --dev-root, or the driver's library.
func (v *Vendor) open(c pluginrun.Config, devRoot string) (sdk.Library, error) {
	var lib sdk.Library
	if c.Fake != "" {
		desc, err := FakeDescription(c.Fake, c.Node)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(c.StateDir, 0o755); err != nil {
			return nil, fmt.Errorf("state directory: %w", err)
		}
		f, err := sdk.NewFake(desc, sdk.FakeOptions{StatePath: c.StatePath("fake-cndev"), DevRoot: devRoot})
		if err != nil {
			return nil, err
		}
		lib = f
	} else {
		b, err := sdk.Open(v.Library)
		if err != nil {
			return nil, fmt.Errorf("load libcndev.so (is the Cambricon driver installed?): %w", err)
		}
		lib = b
	}
	if err := lib.Init(); err != nil {
		if b, ok := lib.(*sdk.Binding); ok {
			err = errors.Join(err, b.Close())
		}
		return nil, fmt.Errorf("init CNDev: %w", err)
	}
	return lib, nil
}

// DevRoot is where the device files are found: --dev-root, except that a
// fake left at the host's root makes its files under the state directory
// instead of in the host's /dev.
func DevRoot(c pluginrun.Config) string {
	if c.Fake != "" && filepath.Clean(c.DevRoot) == "/" {
		return filepath.Join(c.StateDir, "dev-"+c.Node)
	}
	return c.DevRoot
}

// FakeDescription resolves --fake: a model name seeded by the node, or a
// description file.
func FakeDescription(flagValue, node string) (sdk.Description, error) {
	if slices.Contains(sdk.ModelNames(), flagValue) {
		return sdk.ForModel(flagValue, node), nil
	}
	return sdk.LoadDescription(flagValue)
}
