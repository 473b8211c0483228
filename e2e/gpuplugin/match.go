package gpuplugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/common/allocation"
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

// pending is one container allocation waiting for its Allocate call.
type pending struct {
	pod       *corev1.Pod
	container string
	devices   []allocation.Device
	bindTime  time.Time
}

// allocateContainer finds the container this call is for and answers it.
//
// The device-plugin API does not say which pod an Allocate call is for, so
// the double does what HAMi's plugins do: among the pods bound to this node
// whose bind-phase is allocating, take a container not yet answered whose
// device count equals the call's, oldest bind-time first. Limit: when two
// pods with the same device count are admitted on one node at once and the
// node calls Allocate in the other order than they were bound, each gets
// the other's allocation. Tests that check env per pod create pods one at a
// time per node.
func (p *Plugin) allocateContainer(ctx context.Context, count int) (*pluginapi.ContainerAllocateResponse, error) {
	cands, err := p.pendingContainers(ctx, count)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("no pod bound to %s is allocating a container of %d %s", p.opts.Node, count, ResourceName)
	}
	c := cands[0]
	p.markServed(c)
	if p.allServed(c.pod) {
		if err := p.reportSuccess(ctx, c.pod); err != nil {
			return nil, err
		}
	}
	p.opts.Log.Debug().Str("pod", c.pod.Namespace+"/"+c.pod.Name).Str("container", c.container).Msg("allocated")
	return response(c), nil
}

// pendingContainers lists the candidate containers, best first.
func (p *Plugin) pendingContainers(ctx context.Context, count int) ([]pending, error) {
	list, err := p.opts.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", p.opts.Node).String(),
	})
	if err != nil {
		return nil, fmt.Errorf("list pods on %s: %w", p.opts.Node, err)
	}
	var out []pending
	for i := range list.Items {
		pod := &list.Items[i]
		if allocation.Phase(pod.Annotations[allocation.AnnotationBindPhase]) != allocation.PhaseAllocating {
			continue
		}
		a, err := allocation.Decode(pod.Annotations[allocation.Annotation])
		if err != nil || a.Node != p.opts.Node {
			continue
		}
		at, _ := allocation.ParseTime(pod.Annotations[allocation.AnnotationBindTime])
		for _, c := range a.Containers {
			devs := c.DevicesOf(Vendor)
			if len(devs) == count && !p.served[pod.UID][c.Name] {
				out = append(out, pending{pod: pod, container: c.Name, devices: devs, bindTime: at})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].bindTime.Equal(out[j].bindTime) {
			return out[i].bindTime.Before(out[j].bindTime)
		}
		return out[i].pod.Namespace+"/"+out[i].pod.Name < out[j].pod.Namespace+"/"+out[j].pod.Name
	})
	return out, nil
}

func (p *Plugin) markServed(c pending) {
	if p.served[c.pod.UID] == nil {
		p.served[c.pod.UID] = map[string]bool{}
	}
	p.served[c.pod.UID][c.container] = true
}

// allServed reports whether every container of the pod with our devices
// has been answered.
func (p *Plugin) allServed(pod *corev1.Pod) bool {
	a, err := allocation.Decode(pod.Annotations[allocation.Annotation])
	if err != nil {
		return false
	}
	for _, c := range a.Containers {
		if len(c.DevicesOf(Vendor)) > 0 && !p.served[pod.UID][c.Name] {
			return false
		}
	}
	return true
}

// reportSuccess sets bind-phase success, as the real plugin does once the
// pod's devices are handed out.
func (p *Plugin) reportSuccess(ctx context.Context, pod *corev1.Pod) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{allocation.AnnotationBindPhase: string(allocation.PhaseSuccess)},
	}})
	if err != nil {
		return err
	}
	_, err = p.opts.Client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("set bind-phase of %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return nil
}

func response(c pending) *pluginapi.ContainerAllocateResponse {
	env := map[string]string{PodEnv: c.pod.Namespace + "/" + c.pod.Name, ContainerEnv: c.container}
	ids := make([]string, len(c.devices))
	for i, d := range c.devices {
		ids[i] = d.ID
		env[MemoryLimitEnv+strconv.Itoa(i)] = fmt.Sprintf("%dm", d.MemoryMiB)
		env[CoreLimitEnv] = strconv.Itoa(int(d.Cores))
	}
	env[VisibleDevicesEnv] = strings.Join(ids, ",")
	return &pluginapi.ContainerAllocateResponse{Envs: env}
}
