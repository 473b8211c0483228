package gpunode

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/devalloc"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// Paths inside the container.
const (
	ContainerPreload   = "/etc/ld.so.preload"
	ContainerRegionDir = "/var/lib/hami/region"
	ContainerRegion    = ContainerRegionDir + "/region.cache"
)

// Environment variables of the limiter contract (hami-core/README.md). The
// limits file wins over them; they stay for tools that read HAMi's
// variables. GPU_CORE_UTILIZATION_POLICY is the tenant's own (it may only
// tighten the file's policy), so the plugin never sets it: a value from the
// plugin would hide the pod's.
const (
	EnvVisibleDevices = "NVIDIA_VISIBLE_DEVICES"
	EnvMemoryLimit    = "CUDA_DEVICE_MEMORY_LIMIT_" // + container device index
	EnvSMLimit        = "CUDA_DEVICE_SM_LIMIT"
	EnvSharedCache    = "CUDA_DEVICE_MEMORY_SHARED_CACHE"
	EnvCorePolicy     = "GPU_CORE_UTILIZATION_POLICY"
	EnvOversubscribe  = "CUDA_OVERSUBSCRIBE"
)

// Answer implements pluginrun.Node: the response for a container in the
// mode the scheduler chose.
func (n *Node) Answer(ctx context.Context, p *plugin.Pending, chosen []device.Device) (*pluginapi.ContainerAllocateResponse, error) {
	gpus, err := devalloc.Resolve(chosen, "GPU", n.gpu)
	if err != nil {
		return nil, err
	}
	switch mode := p.Devices[0].Mode; mode {
	case device.ModeHAMiCore:
		return n.hamiCore(p, gpus)
	case device.ModeExclusive:
		return n.exclusive(gpus), nil
	case device.ModeMIG:
		return n.migDevices(ctx, p, gpus)
	default:
		return nil, fmt.Errorf("mode %q is not supported by the NVIDIA plugin", mode)
	}
}

// hamiCore gives the container its GPUs with the limiter: the trusted
// limits file mounted read-only (device i is the i-th of
// NVIDIA_VISIBLE_DEVICES, which is the container's NVML order), the HAMi
// environment for tools that read it, libvgpu.so preloaded from the
// versioned path current at this moment, and a region directory any of the
// container's users can create the region in.
func (n *Node) hamiCore(p *plugin.Pending, gpus []discovery.GPU) (*pluginapi.ContainerAllocateResponse, error) {
	lib, err := Limiter.Current(n.opts.LimiterDir)
	if err != nil {
		return nil, fmt.Errorf("limiter: %w", err)
	}
	if n.opts.LimitsRoot == "" || n.opts.RegionRoot == "" {
		return nil, fmt.Errorf("hami-core needs a limits and a region directory (--limits-dir, --region-dir)")
	}
	region, err := makeRegionDir(limiter.ContainerDir(n.opts.RegionRoot, string(p.Pod.UID), p.Container))
	if err != nil {
		return nil, err
	}
	limits := n.limitsFor(p)
	limitsFile := filepath.Join(limiter.ContainerDir(n.opts.LimitsRoot, string(p.Pod.UID), p.Container), limiter.LimitsFile)
	if err := limiter.WriteLimits(limitsFile, &limits); err != nil {
		return nil, err
	}
	resp := n.exclusive(gpus)
	hamiEnv(resp.Envs, &limits)
	resp.Mounts = append(resp.Mounts,
		&pluginapi.Mount{ContainerPath: Limiter.ContainerPath(), HostPath: lib.Library, ReadOnly: true},
		&pluginapi.Mount{ContainerPath: ContainerPreload, HostPath: lib.Preload, ReadOnly: true},
		&pluginapi.Mount{ContainerPath: ContainerRegionDir, HostPath: region},
		&pluginapi.Mount{ContainerPath: limiter.ContainerLimitsPath, HostPath: limitsFile, ReadOnly: true},
	)
	return resp, nil
}

// exclusive gives whole GPUs and no limiter.
func (n *Node) exclusive(gpus []discovery.GPU) *pluginapi.ContainerAllocateResponse {
	ids := make([]string, len(gpus))
	minors := make([]int, len(gpus))
	for i, g := range gpus {
		ids[i], minors[i] = g.UUID, g.Minor
	}
	return &pluginapi.ContainerAllocateResponse{
		Envs:    map[string]string{EnvVisibleDevices: strings.Join(ids, ",")},
		Devices: n.deviceSpecs(minors),
	}
}

// deviceSpecs lists the GPU device files that exist on the host; with the
// NVIDIA container runtime NVIDIA_VISIBLE_DEVICES alone would be enough.
func (n *Node) deviceSpecs(minors []int) []*pluginapi.DeviceSpec {
	paths := []string{"/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"}
	for _, m := range minors {
		paths = append(paths, "/dev/nvidia"+strconv.Itoa(m))
	}
	var out []*pluginapi.DeviceSpec
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(n.opts.DevRoot, p)); err == nil {
			out = append(out, &pluginapi.DeviceSpec{ContainerPath: p, HostPath: p, Permissions: "rw"})
		}
	}
	return out
}

// migDevices makes the MIG device the scheduler chose on each GPU.
func (n *Node) migDevices(ctx context.Context, p *plugin.Pending, gpus []discovery.GPU) (*pluginapi.ContainerAllocateResponse, error) {
	if n.migs == nil {
		return nil, fmt.Errorf("MIG is not enabled on this node (migStrategy none)")
	}
	ids := make([]string, len(gpus))
	for i, d := range p.Devices {
		prof, ok := ProfileByName(gpus[i].Profiles, d.Profile)
		if !ok {
			return nil, fmt.Errorf("GPU %s has no MIG profile %q", d.ID, d.Profile)
		}
		in, err := n.migs.Ensure(ctx, p.Pod.UID, p.Container, d.ID, n.migDriver.Create(d.ID, prof, d.Placement))
		if err != nil {
			return nil, err
		}
		ids[i] = in.ID
	}
	resp := n.exclusive(gpus)
	resp.Envs[EnvVisibleDevices] = strings.Join(ids, ",")
	return resp, nil
}

// ProfileByName finds a MIG profile.
func ProfileByName(ps []discovery.Profile, name string) (discovery.Profile, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return discovery.Profile{}, false
}
