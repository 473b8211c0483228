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

func (e env) allocate(t *testing.T, cfg config.Node, a *allocation.Allocation) (map[string]string, []string, error) {
	t.Helper()
	pods := plugintest.NewPods(plugintest.Pod(t, "p", a, time.Unix(0, 0)))
	ledger, err := plugin.NewLedger("")
	require.NoError(t, err)
	n := gpunode.New(e.lib, e.gpus, gpunode.Options{
		Config: cfg, LimiterDir: filepath.Dir(filepath.Dir(e.limiter.Library)), RegionRoot: e.regions, CorePolicy: "force",
	}, e.mig)
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
		return nil, nil, err
	}
	var mounts []string
	for _, m := range resp.Mounts {
		mounts = append(mounts, m.HostPath+"->"+m.ContainerPath)
	}
	return resp.Envs, mounts, nil
}

func TestAllocateModes(t *testing.T) {
	t.Parallel()
	e := setup(t, 3)
	uuid, migGPU := e.gpus[1].UUID, e.gpus[3].UUID
	base := config.Default().ForNode(node)
	noCores, oversub := base, base
	noCores.DisableCoreLimit = true
	oversub.DeviceMemoryScaling = 1.5
	tests := map[string]struct {
		cfg    config.Node
		device allocation.Device
		want   map[string]string
		absent []string
		mounts int
	}{
		"hami-core": {cfg: base, device: allocation.Device{ID: uuid, Index: 1, MemoryMiB: 3000, Cores: 30, Mode: device.ModeHAMiCore},
			want: map[string]string{"NVIDIA_VISIBLE_DEVICES": uuid, "CUDA_DEVICE_MEMORY_LIMIT_0": "3000m", "CUDA_DEVICE_SM_LIMIT": "30",
				"GPU_CORE_UTILIZATION_POLICY": "force", "CUDA_DEVICE_MEMORY_SHARED_CACHE": gpunode.ContainerRegion},
			absent: []string{"CUDA_OVERSUBSCRIBE"}, mounts: 3},
		"hami-core without core limit": {cfg: noCores, device: allocation.Device{ID: uuid, Index: 1, MemoryMiB: 3000, Cores: 30, Mode: device.ModeHAMiCore},
			want: map[string]string{"GPU_CORE_UTILIZATION_POLICY": "disable"}, absent: []string{"CUDA_DEVICE_SM_LIMIT"}, mounts: 3},
		"hami-core oversubscribed": {cfg: oversub, device: allocation.Device{ID: uuid, Index: 1, MemoryMiB: 100000, Cores: 100, Mode: device.ModeHAMiCore},
			want: map[string]string{"CUDA_OVERSUBSCRIBE": "true", "CUDA_DEVICE_MEMORY_LIMIT_0": "100000m"}, absent: []string{"CUDA_DEVICE_SM_LIMIT"}, mounts: 3},
		"exclusive": {cfg: base, device: allocation.Device{ID: uuid, Index: 1, Mode: device.ModeExclusive},
			want: map[string]string{"NVIDIA_VISIBLE_DEVICES": uuid}, absent: []string{"CUDA_DEVICE_MEMORY_LIMIT_0", "CUDA_DEVICE_SM_LIMIT", "CUDA_DEVICE_MEMORY_SHARED_CACHE"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.device.Vendor = "nvidia"
			a := allocation.New(node)
			a.Containers = []allocation.Container{{Name: "main", Devices: []allocation.Device{tc.device}}}
			envs, mounts, err := e.allocate(t, tc.cfg, a)
			require.NoError(t, err)
			for k, v := range tc.want {
				require.Equal(t, v, envs[k], k)
			}
			for _, k := range tc.absent {
				require.NotContains(t, envs, k)
			}
			require.Len(t, mounts, tc.mounts)
			if tc.mounts > 0 {
				require.Contains(t, mounts, e.limiter.Library+"->"+gpunode.Limiter.ContainerPath(), "the versioned library, not current/")
				require.Contains(t, mounts, e.limiter.Preload+"->/etc/ld.so.preload")
			}
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
		envs, _, err := e.allocate(t, cfg, a)
		require.NoError(t, err)
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
			_, _, err := e.allocate(t, config.Default().ForNode(node), a)
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
