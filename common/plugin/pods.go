package plugin

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/hami-project/hami/common/allocation"
)

// Pods is what the plugin needs from the API server.
type Pods interface {
	// Allocating lists the pods bound to the node whose bind phase is
	// allocating and that have not ended.
	Allocating(ctx context.Context) ([]corev1.Pod, error)
	// SetPhase writes the pod's bind phase.
	SetPhase(ctx context.Context, pod *corev1.Pod, phase allocation.Phase) error
	// Exists reports whether a pod with this uid is still on the node and
	// has not ended (for releasing partitions of pods that are gone).
	Live(ctx context.Context) (map[types.UID]bool, error)
}

// KubePods reads and patches pods through the API server.
type KubePods struct {
	client kubernetes.Interface
	node   string
}

var _ Pods = (*KubePods)(nil)

// NewKubePods returns Pods for the named node.
func NewKubePods(client kubernetes.Interface, node string) *KubePods {
	return &KubePods{client: client, node: node}
}

func (k *KubePods) onNode(ctx context.Context) ([]corev1.Pod, error) {
	list, err := k.client.CoreV1().Pods("").List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", k.node).String(),
	})
	if err != nil {
		return nil, fmt.Errorf("list pods on %s: %w", k.node, err)
	}
	return list.Items, nil
}

// Allocating implements Pods.
func (k *KubePods) Allocating(ctx context.Context) ([]corev1.Pod, error) {
	pods, err := k.onNode(ctx)
	if err != nil {
		return nil, err
	}
	out := pods[:0]
	for _, p := range pods {
		if ended(&p) || allocation.Phase(p.Annotations[allocation.AnnotationBindPhase]) != allocation.PhaseAllocating {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// Live implements Pods.
func (k *KubePods) Live(ctx context.Context) (map[types.UID]bool, error) {
	pods, err := k.onNode(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[types.UID]bool, len(pods))
	for i := range pods {
		if !ended(&pods[i]) && pods[i].DeletionTimestamp == nil {
			out[pods[i].UID] = true
		}
	}
	return out, nil
}

func ended(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodFailed || p.Status.Phase == corev1.PodSucceeded
}

// SetPhase implements Pods.
func (k *KubePods) SetPhase(ctx context.Context, pod *corev1.Pod, phase allocation.Phase) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{allocation.AnnotationBindPhase: string(phase)},
	}})
	if err != nil {
		return fmt.Errorf("encode bind-phase patch: %w", err)
	}
	_, err = k.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("set bind-phase %s of %s/%s: %w", phase, pod.Namespace, pod.Name, err)
	}
	return nil
}
