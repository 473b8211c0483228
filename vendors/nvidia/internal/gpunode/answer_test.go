package gpunode_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/common/nodeinv"
	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/common/plugin/plugintest"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/gpunode"
	"github.com/hami-project/hami/vendors/nvidia/internal/mig"
)

const node = "n1"

type env struct {
	lib     *fake.Server
	gpus    []discovery.GPU
	limiter limiter.Installed
	regions string
	mig     *partition.Manager
}

func setup(t *testing.T, migEnabled ...int) env {
	t.Helper()
	desc := fake.ForSystem("dgxh100", node)
	desc.MIGEnabled = migEnabled
	s, err := fake.New(desc)
	require.NoError(t, err)
	gpus, err := discovery.Discover(s)
	require.NoError(t, err)
	dir := t.TempDir()
	src := filepath.Join(dir, "libvgpu.so")
	require.NoError(t, os.WriteFile(src, []byte("elf"), 0o644))
	in, err := gpunode.Limiter.Install(src, filepath.Join(dir, "vgpu"), "1.2.3")
	require.NoError(t, err)
	m, err := partition.NewManager("nvidia", filepath.Join(dir, "partitions.json"), mig.NewDriver(s))
	require.NoError(t, err)
	return env{lib: s, gpus: gpus, limiter: in, regions: filepath.Join(dir, "regions"), mig: m}
}

// answer is what a container got.
type answer struct {
	envs   map[string]string
	mounts []string
	// limits is the limits file mounted at limiter.ContainerLimitsPath, read-only.
	limits *limiter.Limits
}

// allocate answers for the pod "p" of a; mod adjusts the node's options
// and the pod before the call.
func (e env) allocate(t *testing.T, cfg config.Node, a *allocation.Allocation, mod func(*gpunode.Options, *corev1.Pod)) (answer, error) {
	t.Helper()
	pod := plugintest.Pod(t, "p", a, time.Unix(0, 0))
	opts := gpunode.Options{
		Config: cfg, LimiterDir: filepath.Dir(filepath.Dir(e.limiter.Library)), RegionRoot: e.regions, LimitsRoot: t.TempDir(),
	}
	if mod != nil {
		mod(&opts, pod)
	}
	pods := plugintest.NewPods(pod)
	ledger, err := plugin.NewLedger("")
	require.NoError(t, err)
	n := gpunode.New(e.lib, e.gpus, opts, e.mig)
	spec := nodeinv.Spec{Node: node, Vendor: "nvidia", Config: cfg}
	inv := func() *device.NodeInventory {
		return nodeinv.Build(spec, n.Devices(), func(string) bool { return true })
	}
	al := devalloc.New(inv, plugin.NewAssigner("nvidia", node, pods, ledger), n.Answer)
	var ids []string
	for _, d := range a.Containers[0].Devices {
		ids = append(ids, plugin.VirtualID(d.ID, 0))
	}
	resp, err := al.Allocate(context.Background(), allocReq(ids))
	if err != nil {
		return answer{}, err
	}
	got := answer{envs: resp.Envs}
	for _, m := range resp.Mounts {
		got.mounts = append(got.mounts, m.HostPath+"->"+m.ContainerPath)
		if m.ContainerPath == limiter.ContainerLimitsPath {
			require.True(t, m.ReadOnly, "the tenant must not write its limits")
			require.Equal(t, filepath.Join(opts.LimitsRoot, "uid-p_main", limiter.LimitsFile), m.HostPath)
			got.limits, err = limiter.ReadLimits(m.HostPath)
			require.NoError(t, err)
		}
	}
	return got, nil
}

func TestAllocateModes(t *testing.T) {
	t.Parallel()
	e := setup(t, 3)
	uuid, migGPU := e.gpus[1].UUID, e.gpus[3].UUID
	base := config.Default().ForNode(node)
	noCores, oversub := base, base
	noCores.DisableCoreLimit = true
	oversub.DeviceMemoryScaling = 1.5
	limits := func(policy limiter.Policy, memMiB uint64, core int, oversubscribe bool) *limiter.Limits {
		l := &limiter.Limits{Policy: policy, Oversubscribe: oversubscribe, Region: gpunode.ContainerRegion}
		l.Memory[0], l.Core[0] = memMiB<<20, core
		return l
	}
	tests := map[string]struct {
		cfg    config.Node
		device allocation.Device
		want   map[string]string
		absent []string
		limits *limiter.Limits
	}{
		"hami-core": {cfg: base, device: allocation.Device{ID: uuid, Index: 1, MemoryMiB: 3000, Cores: 30, Mode: device.ModeHAMiCore},
			want: map[string]string{"NVIDIA_VISIBLE_DEVICES": uuid, "CUDA_DEVICE_MEMORY_LIMIT_0": "3000m", "CUDA_DEVICE_SM_LIMIT": "30",
				"CUDA_DEVICE_SM_LIMIT_0": "30", "CUDA_DEVICE_MEMORY_SHARED_CACHE": gpunode.ContainerRegion},
			absent: []string{"CUDA_OVERSUBSCRIBE", "GPU_CORE_UTILIZATION_POLICY"}, limits: limits(limiter.PolicyDefault, 3000, 30, false)},
		"hami-core without core limit": {cfg: noCores, device: allocation.Device{ID: uuid, Index: 1, MemoryMiB: 3000, Cores: 30, Mode: device.ModeHAMiCore},
			absent: []string{"CUDA_DEVICE_SM_LIMIT", "GPU_CORE_UTILIZATION_POLICY"}, limits: limits(limiter.PolicyDisable, 3000, 0, false)},
		"hami-core oversubscribed": {cfg: oversub, device: allocation.Device{ID: uuid, Index: 1, MemoryMiB: 100000, Cores: 100, Mode: device.ModeHAMiCore},
			want: map[string]string{"CUDA_OVERSUBSCRIBE": "true", "CUDA_DEVICE_MEMORY_LIMIT_0": "100000m"}, absent: []string{"CUDA_DEVICE_SM_LIMIT"},
			limits: limits(limiter.PolicyDefault, 100000, 0, true)},
		"exclusive": {cfg: base, device: allocation.Device{ID: uuid, Index: 1, Mode: device.ModeExclusive},
			want: map[string]string{"NVIDIA_VISIBLE_DEVICES": uuid}, absent: []string{"CUDA_DEVICE_MEMORY_LIMIT_0", "CUDA_DEVICE_SM_LIMIT", "CUDA_DEVICE_MEMORY_SHARED_CACHE"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.device.Vendor = "nvidia"
			a := allocation.New(node)
			a.Containers = []allocation.Container{{Name: "main", Devices: []allocation.Device{tc.device}}}
			got, err := e.allocate(t, tc.cfg, a, nil)
			require.NoError(t, err)
			for k, v := range tc.want {
				require.Equal(t, v, got.envs[k], k)
			}
			for _, k := range tc.absent {
				require.NotContains(t, got.envs, k)
			}
			require.Equal(t, tc.limits, got.limits)
			if tc.limits == nil {
				require.Empty(t, got.mounts)
				return
			}
			require.Len(t, got.mounts, 4)
			require.Contains(t, got.mounts, e.limiter.Library+"->"+gpunode.Limiter.ContainerPath(), "the versioned library, not current/")
			require.Contains(t, got.mounts, e.limiter.Preload+"->/etc/ld.so.preload")
			region := filepath.Join(e.regions, "uid-p_main")
			require.Contains(t, got.mounts, region+"->"+gpunode.ContainerRegionDir)
			st, err := os.Stat(region)
			require.NoError(t, err)
			require.Equal(t, os.ModeDir|os.ModeSticky|0o777, st.Mode(), "any uid of the container creates the region")
		})
	}
	t.Run("mig", func(t *testing.T) {
		t.Parallel()
		a := allocation.New(node)
		a.Containers = []allocation.Container{{Name: "main", Devices: []allocation.Device{
			{Vendor: "nvidia", ID: migGPU, Index: 3, MemoryMiB: 20000, Cores: 28, Mode: device.ModeMIG, Profile: "2g.20gb", Placement: 2},
		}}}
		cfg := base
		cfg.MigStrategy = config.MigStrategyMixed
		got, err := e.allocate(t, cfg, a, nil)
		require.NoError(t, err)
		envs := got.envs
		ins := e.mig.Instances()
		require.Len(t, ins, 1)
		require.Equal(t, ins[0].ID, envs["NVIDIA_VISIBLE_DEVICES"])
		require.Regexp(t, "^MIG-", ins[0].ID)
		require.JSONEq(t, `{"gi":`+gi(t, ins[0])+`,"ci":0,"placement":2}`, string(ins[0].Data))
		require.NoError(t, e.mig.Reconcile(context.Background(), map[types.UID]bool{}, time.Now()))
		require.Empty(t, e.mig.Instances(), "the pod is gone: its MIG device is destroyed")
	})
}

func TestAllocateRejects(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := map[string]struct {
		device allocation.Device
		err    string
	}{
		"unknown GPU":      {device: allocation.Device{ID: "GPU-nope", Mode: device.ModeHAMiCore}, err: "is not on node n1"},
		"MIG not enabled":  {device: allocation.Device{ID: e.gpus[0].UUID, Mode: device.ModeMIG, Profile: "1g.10gb"}, err: "MIG mode is not enabled"},
		"unknown profile":  {device: allocation.Device{ID: e.gpus[0].UUID, Mode: device.ModeMIG, Profile: "9g.1gb"}, err: "no MIG profile"},
		"unsupported mode": {device: allocation.Device{ID: e.gpus[0].UUID, Mode: device.ModeMPS}, err: "not supported"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.device.Vendor = "nvidia"
			a := allocation.New(node)
			a.Containers = []allocation.Container{{Name: "main", Devices: []allocation.Device{tc.device}}}
			_, err := e.allocate(t, config.Default().ForNode(node), a, nil)
			require.ErrorContains(t, err, tc.err)
			require.ErrorContains(t, err, "default/p/main", "the kubelet's message names the pod")
		})
	}
}

func gi(t *testing.T, in partition.Instance) string {
	t.Helper()
	var h mig.Handles
	require.NoError(t, json.Unmarshal(in.Data, &h))
	return strconv.Itoa(h.GI)
}

func allocReq(ids []string) *pluginapi.ContainerAllocateRequest {
	return &pluginapi.ContainerAllocateRequest{DevicesIds: ids}
}

// The policy is the operator's: a pod asking for disable in its
// environment still gets the node's policy in its read-only file, and only
// --allow-tenant-disable lets libvgpu honour the pod's request.
func TestAllocatePolicyIsTheOperators(t *testing.T) {
	t.Parallel()
	e := setup(t)
	uuid := e.gpus[0].UUID
	noCores := config.Default().ForNode(node)
	noCores.DisableCoreLimit = true
	tests := map[string]struct {
		cfg          config.Node
		corePolicy   string
		allowDisable bool
		want         limiter.Policy
	}{
		"node default":              {cfg: config.Default().ForNode(node), want: limiter.PolicyDefault},
		"--core-policy force":       {cfg: config.Default().ForNode(node), corePolicy: "force", want: limiter.PolicyForce},
		"disableCoreLimit wins":     {cfg: noCores, corePolicy: "force", want: limiter.PolicyDisable},
		"operator allows disabling": {cfg: config.Default().ForNode(node), allowDisable: true, want: limiter.PolicyDefault},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := plugintest.Shared(node, "main", "nvidia", uuid, 1000, 30, device.ModeHAMiCore)
			got, err := e.allocate(t, tc.cfg, a, func(o *gpunode.Options, p *corev1.Pod) {
				o.CorePolicy, o.AllowTenantDisable = tc.corePolicy, tc.allowDisable
				p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: gpunode.EnvCorePolicy, Value: "disable"}}
			})
			require.NoError(t, err)
			require.Equal(t, tc.want, got.limits.Policy)
			require.Equal(t, tc.allowDisable, got.limits.AllowDisable)
			require.NotContains(t, got.envs, gpunode.EnvCorePolicy, "the pod's own setting is not overridden")
		})
	}
}

func TestAllocateNeedsLimitsDir(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := plugintest.Shared(node, "main", "nvidia", e.gpus[0].UUID, 1000, 30, device.ModeHAMiCore)
	_, err := e.allocate(t, config.Default().ForNode(node), a, func(o *gpunode.Options, _ *corev1.Pod) { o.LimitsRoot = "" })
	require.ErrorContains(t, err, "--limits-dir")
}
