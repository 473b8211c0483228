package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/hami-project/hami/common/allocation"
)

// LoadExamples reads every pod manifest of dir, strictly: a typo in a
// sample is a bug to fix, not a field to drop.
func LoadExamples(dir string) ([]*corev1.Pod, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var pods []*corev1.Pod
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var pod corev1.Pod
		if err := yaml.UnmarshalStrict(data, &pod); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		pods = append(pods, &pod)
	}
	if len(pods) == 0 {
		return nil, fmt.Errorf("no *.yaml in %s", dir)
	}
	return pods, nil
}

// submit creates the pods, retrying while the webhook that admits them is
// still being picked up by the API server.
func submit(ctx context.Context, client kubernetes.Interface, pods []*corev1.Pod) error {
	for _, p := range pods {
		p = p.DeepCopy()
		p.Namespace = Namespace
		// The local kubelet node has no CNI plugin: pods share the host's
		// network, which the samples do not care about.
		p.Spec.HostNetwork = true
		err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := client.CoreV1().Pods(Namespace).Create(ctx, p, metav1.CreateOptions{})
			switch {
			case err == nil, apierrors.IsAlreadyExists(err):
				return true, nil
			case apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err):
				return false, nil // webhook not reachable yet
			}
			return false, err
		})
		if err != nil {
			return fmt.Errorf("create pod %s: %w", p.Name, err)
		}
	}
	return nil
}

// waitSettled waits until every pod is placed (bound, with its allocation)
// or the scheduler has said why it is not, then returns the pods.
func waitSettled(ctx context.Context, client kubernetes.Interface, want int, timeout time.Duration) ([]corev1.Pod, error) {
	var pods []corev1.Pod
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		list, err := client.CoreV1().Pods(Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		pods = list.Items
		if len(pods) < want {
			return false, nil
		}
		for i := range pods {
			if !settled(&pods[i]) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return pods, fmt.Errorf("waiting for the workload to settle: %w", err)
	}
	return pods, nil
}

func settled(p *corev1.Pod) bool {
	if p.Spec.NodeName != "" {
		_, ok := p.Annotations[allocation.Annotation]
		return ok
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Message != "" {
			return true
		}
	}
	return false
}
