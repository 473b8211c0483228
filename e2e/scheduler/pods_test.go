package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/hami-project/hami/common/allocation"
)

// share is what one container asks: count devices, each with memMiB of
// memory and cores percent of compute.
type share struct {
	count  int64
	memMiB int64
	cores  int64
}

// gpuPod is a one-container pod for the hami profile asking for s.
func gpuPod(ns, name string, s share, ann map[string]string) *corev1.Pod {
	limits := corev1.ResourceList{"nvidia.com/gpu": *resource.NewQuantity(s.count, resource.DecimalSI)}
	if s.memMiB > 0 {
		limits["nvidia.com/gpumem"] = *resource.NewQuantity(s.memMiB, resource.DecimalSI)
	}
	if s.cores > 0 {
		limits["nvidia.com/gpucores"] = *resource.NewQuantity(s.cores, resource.DecimalSI)
	}
	pod := plainPod(ns, name)
	pod.Annotations = ann
	pod.Spec.SchedulerName = profile
	pod.Spec.Containers[0].Resources.Limits = limits
	return pod
}

// plainPod asks for nothing of ours; the default profile schedules it.
func plainPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken:  ptr.To(false),
			TerminationGracePeriodSeconds: ptr.To[int64](0),
			Containers:                    []corev1.Container{{Name: "app", Image: "registry.local/pause:e2e"}},
		},
	}
}

// onNode pins a pod to one node through the hostname label.
func onNode(pod *corev1.Pod, node string) *corev1.Pod {
	pod.Spec.NodeSelector = map[string]string{corev1.LabelHostname: node}
	return pod
}

// createPods creates the pods with a few workers, all at once.
func createPods(ctx context.Context, client kubernetes.Interface, pods []*corev1.Pod) error {
	work := make(chan *corev1.Pod)
	errs := make(chan error, len(pods))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for pod := range work {
				if _, err := client.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
					errs <- fmt.Errorf("create pod %s: %w", pod.Name, err)
				}
			}
		})
	}
	for _, pod := range pods {
		work <- pod
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs
}

// waitRunning waits until a simulated node started the pod, and returns it.
func waitRunning(ctx context.Context, client kubernetes.Interface, ns, name string) (*corev1.Pod, error) {
	var pod *corev1.Pod
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		var err error
		pod, err = client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // retried until the timeout
		}
		if pod.Status.Phase == corev1.PodFailed {
			return false, fmt.Errorf("pod %s/%s failed: %s", ns, name, pod.Status.Message)
		}
		return pod.Status.Phase == corev1.PodRunning, nil
	})
	if err != nil {
		return pod, fmt.Errorf("pod %s/%s not running (%s): %w", ns, name, schedulingMessage(pod), err)
	}
	return pod, nil
}

// waitFailedScheduling waits for a FailedScheduling event of the pod whose
// message contains want, as `kubectl describe pod` shows it, and returns
// the message.
func waitFailedScheduling(ctx context.Context, client kubernetes.Interface, ns, name, want string) (string, error) {
	selector := fields.Set{"involvedObject.name": name, "reason": "FailedScheduling"}.AsSelector().String()
	var last string
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		events, err := client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: selector})
		if err != nil {
			return false, nil //nolint:nilerr // retried until the timeout
		}
		for _, ev := range events.Items {
			last = ev.Message
			if strings.Contains(ev.Message, want) {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return last, fmt.Errorf("no FailedScheduling event of %s/%s containing %q (last: %q): %w", ns, name, want, last, err)
	}
	return last, nil
}

// schedulingMessage is why kube-scheduler left the pod unscheduled, if it did.
func schedulingMessage(pod *corev1.Pod) string {
	if pod == nil {
		return "not found"
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return c.Reason + ": " + c.Message
		}
	}
	return string(pod.Status.Phase)
}

// allocationOf decodes the scheduler's decision on the pod.
func allocationOf(pod *corev1.Pod) (*allocation.Allocation, error) {
	v, ok := pod.Annotations[allocation.Annotation]
	if !ok {
		return nil, fmt.Errorf("pod %s/%s has no %s annotation", pod.Namespace, pod.Name, allocation.Annotation)
	}
	return allocation.Decode(v)
}

func listPods(ctx context.Context, client kubernetes.Interface, ns string) ([]corev1.Pod, error) {
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

func countPods(ctx context.Context, client kubernetes.Interface, ns string) (int, error) {
	pods, err := listPods(ctx, client, ns)
	return len(pods), err
}

func deleteAllPods(ctx context.Context, client kubernetes.Interface, ns string) error {
	return client.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}, metav1.ListOptions{})
}
