package allocator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/plugin"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/limiter"
)

// Environment variables of the limiter contract (hami-core/README.md).
const (
	EnvVisibleDevices = "NVIDIA_VISIBLE_DEVICES"
	EnvMemoryLimit    = "CUDA_DEVICE_MEMORY_LIMIT_" // + container device index
	EnvSMLimit        = "CUDA_DEVICE_SM_LIMIT"
	EnvSharedCache    = "CUDA_DEVICE_MEMORY_SHARED_CACHE"
	EnvCorePolicy     = "GPU_CORE_UTILIZATION_POLICY"
	EnvOversubscribe  = "CUDA_OVERSUBSCRIBE"
)

// hamiCore gives the container its GPUs with the limiter: the limits in the
// environment (device i is the i-th of NVIDIA_VISIBLE_DEVICES, which is the
// container's NVML order), libvgpu.so preloaded from the versioned path
// current at this moment, and its own region directory.
func (a *Allocator) hamiCore(p *plugin.Pending, gpus []discovery.GPU) (*pluginapi.ContainerAllocateResponse, error) {
	lib, err := limiter.Current(a.opts.LimiterDir)
	if err != nil {
		return nil, fmt.Errorf("limiter: %w", err)
	}
	region := filepath.Join(a.opts.RegionRoot, string(p.Pod.UID)+"_"+p.Container)
	if err := os.MkdirAll(region, 0o777); err != nil { //nolint:gosec // container processes of any uid write their region
		return nil, fmt.Errorf("create region directory: %w", err)
	}
	resp := a.exclusive(gpus)
	env := resp.Envs
	env[EnvSharedCache] = ContainerRegion
	for i, d := range p.Devices {
		if d.MemoryMiB > 0 {
			env[EnvMemoryLimit+strconv.Itoa(i)] = strconv.FormatInt(d.MemoryMiB, 10) + "m"
		}
		if !a.opts.Config.DisableCoreLimit && d.Cores > 0 && d.Cores < 100 {
			env[EnvSMLimit+"_"+strconv.Itoa(i)] = strconv.Itoa(int(d.Cores))
		}
	}
	if c := p.Devices[0].Cores; !a.opts.Config.DisableCoreLimit && c > 0 && c < 100 {
		env[EnvSMLimit] = strconv.Itoa(int(c))
	}
	if policy := a.corePolicy(p); policy != "" {
		env[EnvCorePolicy] = policy
	}
	if a.opts.Config.DeviceMemoryScaling > 1 {
		env[EnvOversubscribe] = "true"
	}
	resp.Mounts = append(resp.Mounts,
		&pluginapi.Mount{ContainerPath: ContainerLimiter, HostPath: lib.Library, ReadOnly: true},
		&pluginapi.Mount{ContainerPath: ContainerPreload, HostPath: lib.Preload, ReadOnly: true},
		&pluginapi.Mount{ContainerPath: ContainerRegionDir, HostPath: region},
	)
	return resp, nil
}

// corePolicy: the container's own setting wins, then the node's; with core
// limits disabled the limiter is told not to throttle.
func (a *Allocator) corePolicy(p *plugin.Pending) string {
	if a.opts.Config.DisableCoreLimit {
		return "disable"
	}
	for _, c := range append(p.Pod.Spec.InitContainers, p.Pod.Spec.Containers...) {
		if c.Name != p.Container {
			continue
		}
		for _, e := range c.Env {
			if e.Name == EnvCorePolicy && e.Value != "" {
				return e.Value
			}
		}
	}
	return a.opts.CorePolicy
}

// exclusive gives whole GPUs and no limiter.
func (a *Allocator) exclusive(gpus []discovery.GPU) *pluginapi.ContainerAllocateResponse {
	ids := make([]string, len(gpus))
	minors := make([]int, len(gpus))
	for i, g := range gpus {
		ids[i], minors[i] = g.UUID, g.Minor
	}
	return &pluginapi.ContainerAllocateResponse{
		Envs:    map[string]string{EnvVisibleDevices: strings.Join(ids, ",")},
		Devices: a.deviceSpecs(minors),
	}
}

// deviceSpecs lists the GPU device files that exist on the host; with the
// NVIDIA container runtime NVIDIA_VISIBLE_DEVICES alone would be enough.
func (a *Allocator) deviceSpecs(minors []int) []*pluginapi.DeviceSpec {
	paths := []string{"/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"}
	for _, m := range minors {
		paths = append(paths, "/dev/nvidia"+strconv.Itoa(m))
	}
	var out []*pluginapi.DeviceSpec
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(a.opts.DevRoot, p)); err == nil {
			out = append(out, &pluginapi.DeviceSpec{ContainerPath: p, HostPath: p, Permissions: "rw"})
		}
	}
	return out
}

// migDevices makes the MIG device the scheduler chose on each GPU.
func (a *Allocator) migDevices(ctx context.Context, p *plugin.Pending, gpus []discovery.GPU) (*pluginapi.ContainerAllocateResponse, error) {
	if a.mig == nil {
		return nil, fmt.Errorf("MIG is not enabled on this node (migStrategy none)")
	}
	ids := make([]string, len(gpus))
	for i, d := range p.Devices {
		prof, ok := ProfileByName(gpus[i].Profiles, d.Profile)
		if !ok {
			return nil, fmt.Errorf("GPU %s has no MIG profile %q", d.ID, d.Profile)
		}
		uuid, err := a.mig.Create(ctx, d.ID, prof, d.Placement, p.Pod.UID, p.Container)
		if err != nil {
			return nil, err
		}
		ids[i] = uuid
	}
	resp := a.exclusive(gpus)
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
