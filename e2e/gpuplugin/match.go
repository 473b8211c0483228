package gpuplugin

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/plugin"
)

// Env the double hands a container. NVIDIA_VISIBLE_DEVICES and the
// CUDA_DEVICE_* limits are what the real plugin sets for the limiter;
// PodEnv and ContainerEnv say which pod's allocation was used, so tests can
// check an answer went to the pod it was meant for.
const (
	VisibleDevicesEnv = "NVIDIA_VISIBLE_DEVICES"
	MemoryLimitEnv    = "CUDA_DEVICE_MEMORY_LIMIT_" // + device position
	CoreLimitEnv      = "CUDA_DEVICE_SM_LIMIT"
	PodEnv            = "HAMI_E2E_POD" // namespace/name
	ContainerEnv      = "HAMI_E2E_CONTAINER"
)

// answer is the double's response for the container common/plugin's
// Assigner matched to an Allocate call: the same matching the real plugins
// use, so the double hands each pod its own allocation even when several
// are admitted on a node at once.
func answer(_ context.Context, p *plugin.Pending) (*pluginapi.ContainerAllocateResponse, error) {
	env := map[string]string{PodEnv: p.Pod.Namespace + "/" + p.Pod.Name, ContainerEnv: p.Container}
	ids := make([]string, len(p.Devices))
	for i, d := range p.Devices {
		ids[i] = d.ID
		env[MemoryLimitEnv+strconv.Itoa(i)] = fmt.Sprintf("%dm", d.MemoryMiB)
		env[CoreLimitEnv] = strconv.Itoa(int(d.Cores))
	}
	env[VisibleDevicesEnv] = strings.Join(ids, ",")
	return &pluginapi.ContainerAllocateResponse{Envs: env}, nil
}
