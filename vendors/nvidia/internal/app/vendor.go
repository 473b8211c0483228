// Package app owns what the NVIDIA plugin adds to the kit's process: its
// own flags (limiter, regions, limits files, core policy, XIDs) and opening NVML (the
// real library or a fake server) into a gpunode.Node.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/rs/zerolog"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/pluginrun"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/gpunode"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
	"github.com/hami-project/hami/vendors/nvidia/internal/xid"
)

// Vendor is the NVIDIA plugin for the kit.
type Vendor struct {
	LimiterDir         string
	RegionRoot         string
	LimitsRoot         string
	CorePolicy         string
	AllowTenantDisable bool
	IgnoredXIDs        []uint64
	xids               string
}

var _ pluginrun.Vendor = (*Vendor)(nil)

// Name implements pluginrun.Vendor.
func (v *Vendor) Name() string { return config.VendorNVIDIA }

// RegisterFlags implements pluginrun.Vendor.
func (v *Vendor) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&v.LimiterDir, "limiter-dir", "/usr/local/vgpu", "host directory install-limiter writes libvgpu.so into")
	fs.StringVar(&v.RegionRoot, "region-dir", "/var/lib/hami/regions", "host directory of the per-container limiter regions")
	fs.StringVar(&v.LimitsRoot, "limits-dir", "", "host directory of the per-container limits files, mounted read-only at "+limiter.ContainerLimitsPath+" (default <state-dir>/limits: /var/lib/hami/nvidia/limits)")
	fs.StringVar(&v.CorePolicy, "core-policy", string(limiter.PolicyDefault), "compute policy in every container's limits file (default|force|disable); a pod may tighten it")
	fs.BoolVar(&v.AllowTenantDisable, "allow-tenant-disable", false, "let pods switch their compute limit off with GPU_CORE_UTILIZATION_POLICY=disable")
	fs.StringVar(&v.xids, "ignored-xids", joinXIDs(xid.DefaultIgnored), "XIDs that do not mark a GPU unhealthy")
}

// Validate implements pluginrun.Vendor.
func (v *Vendor) Validate() error {
	var errs []error
	if _, err := limiter.ParsePolicy(v.CorePolicy); err != nil {
		errs = append(errs, fmt.Errorf("--core-policy: %w", err))
	}
	var err error
	if v.IgnoredXIDs, err = parseXIDs(v.xids); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Open implements pluginrun.Vendor.
func (v *Vendor) Open(ctx context.Context, env *pluginrun.Env) (pluginrun.Node, error) {
	lib, err := openNVML(env.Config)
	if err != nil {
		return nil, err
	}
	gpus, err := discovery.Discover(lib)
	if err != nil {
		_ = lib.Shutdown()
		return nil, fmt.Errorf("discover GPUs: %w", err)
	}
	zerolog.Ctx(ctx).Debug().Int("gpus", len(gpus)).Msg("discovered GPUs")
	var migs *partition.Manager
	if env.NodeConfig.MigStrategy == config.MigStrategyMixed {
		if migs, err = env.Partitions(mig.NewDriver(lib)); err != nil {
			_ = lib.Shutdown()
			return nil, err
		}
	}
	// Regions and limits files of deleted pods are removed by the kit.
	limits := v.LimitsDir(env.Config)
	env.ContainerDirs(v.RegionRoot)
	env.ContainerDirs(limits)
	return gpunode.New(lib, gpus, gpunode.Options{
		Config: env.NodeConfig, LimiterDir: v.LimiterDir, RegionRoot: v.RegionRoot, LimitsRoot: limits,
		CorePolicy: v.CorePolicy, AllowTenantDisable: v.AllowTenantDisable, DevRoot: env.Config.DevRoot, IgnoredXIDs: v.IgnoredXIDs,
	}, migs), nil
}

// LimitsDir is --limits-dir, or the limits folder of --state-dir (so
// simulated nodes on one machine each have their own).
func (v *Vendor) LimitsDir(c pluginrun.Config) string {
	if v.LimitsRoot != "" {
		return v.LimitsRoot
	}
	return filepath.Join(c.StateDir, "limits")
}

// openNVML returns an initialised NVML: the fake (a system name or a
// description file), or the driver's library, loaded only here so the
// binary runs without it in fake mode.
func openNVML(c pluginrun.Config) (nvml.Interface, error) {
	lib := nvml.New()
	if c.Fake != "" {
		desc, err := FakeDescription(c.Fake, c.Node)
		if err != nil {
			return nil, err
		}
		if lib, err = fake.New(desc); err != nil {
			return nil, err
		}
	}
	if err := discovery.Check(lib.Init(), "init NVML (is the NVIDIA driver installed?)"); err != nil {
		return nil, err
	}
	return lib, nil
}

// FakeDescription resolves --fake: a system name seeded by the node, or a
// description file.
func FakeDescription(flagValue, node string) (fake.Description, error) {
	if slices.Contains(fake.Systems, flagValue) {
		return fake.ForSystem(flagValue, node), nil
	}
	return fake.Load(flagValue)
}

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
