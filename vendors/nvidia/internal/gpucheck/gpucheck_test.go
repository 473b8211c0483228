package gpucheck_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/common/nodeinv"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/gpunode"
	"github.com/hami-project/hami/vendors/nvidia/internal/xid"
)

// TestRealNVML runs only with HAMI_GPU_CHECK=1, on a machine with the
// NVIDIA driver: build it with
//
//	cd vendors/nvidia && go test -c -o hami-nvidia-gpucheck.test ./internal/gpucheck
//
// and run `HAMI_GPU_CHECK=1 ./hami-nvidia-gpucheck.test -test.v` there.
func TestRealNVML(t *testing.T) {
	if os.Getenv("HAMI_GPU_CHECK") != "1" {
		t.Skip("set HAMI_GPU_CHECK=1 on a machine with an NVIDIA GPU")
	}
	lib := nvml.New()
	require.NoError(t, discovery.Check(lib.Init(), "init NVML"))
	defer func() { _ = lib.Shutdown() }()
	gpus, err := discovery.Discover(lib)
	require.NoError(t, err)
	require.NotEmpty(t, gpus, "NVML sees no GPU")
	t.Log(table(gpus))
	for _, g := range gpus {
		require.True(t, strings.HasPrefix(g.UUID, "GPU-"), "uuid %q", g.UUID)
		require.Positive(t, g.MemoryMiB)
		require.NotEmpty(t, g.Model)
		require.GreaterOrEqual(t, g.NUMA, -1)
		// Some drivers list profiles only while MIG mode is on.
		if g.MIGEnabled {
			require.NotEmpty(t, g.Profiles, "a GPU in MIG mode lists its profiles")
			require.Positive(t, g.Slices)
		}
	}

	cfg := config.Default()
	cfg.MigStrategy = config.MigStrategyMixed
	nodeCfg := cfg.ForNode("gpu-check")
	spec := nodeinv.Spec{Node: "gpu-check", Vendor: config.VendorNVIDIA, PluginVersion: "check", Resources: cfg.Vendors[config.VendorNVIDIA], Config: nodeCfg, TTLSeconds: 30}
	n := gpunode.New(lib, gpus, gpunode.Options{Config: nodeCfg, IgnoredXIDs: xid.DefaultIgnored}, nil)
	tr := health.NewTracker()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	require.NoError(t, tr.Run(ctx, n.Watch), "watch XID events")
	inv := nodeinv.Build(spec, n.Devices(), tr.Healthy)
	inv.PublishedAt = time.Now()
	require.NoError(t, inv.Validate())
	for _, d := range inv.Devices {
		require.True(t, d.Healthy, "GPU %s could not register for XID events or reported a fatal XID", d.ID)
	}
}

func table(gpus []discovery.GPU) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-5s %-42s %-28s %9s %4s %-11s %s\n", "index", "uuid", "model", "memoryMiB", "numa", "mig", "profiles")
	for _, g := range gpus {
		mig := "no"
		if g.MIGCapable {
			mig = map[bool]string{true: "enabled", false: "capable"}[g.MIGEnabled]
		}
		var names []string
		for _, p := range g.Profiles {
			names = append(names, p.Name)
		}
		fmt.Fprintf(&b, "%-5d %-42s %-28s %9d %4d %-11s %s\n", g.Index, g.UUID, g.Model, g.MemoryMiB, g.NUMA, mig, strings.Join(names, ","))
	}
	return b.String()
}
