package harness

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// RemoveNotReadyTaint removes node.kubernetes.io/not-ready, which admission
// puts on every new Node and which only kube-controller-manager would take
// off. A node without the taint is left alone.
func RemoveNotReadyTaint(ctx context.Context, client kubernetes.Interface, node *corev1.Node) error {
	if !hasNotReadyTaint(node) {
		return nil
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := client.CoreV1().Nodes().Get(ctx, node.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if !hasNotReadyTaint(current) {
			return nil
		}
		kept := current.Spec.Taints[:0]
		for _, t := range current.Spec.Taints {
			if t.Key != corev1.TaintNodeNotReady {
				kept = append(kept, t)
			}
		}
		current.Spec.Taints = kept
		_, err = client.CoreV1().Nodes().Update(ctx, current, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("remove not-ready taint from %s: %w", node.Name, err)
	}
	return nil
}

func hasNotReadyTaint(node *corev1.Node) bool {
	for _, t := range node.Spec.Taints {
		if t.Key == corev1.TaintNodeNotReady {
			return true
		}
	}
	return false
}
