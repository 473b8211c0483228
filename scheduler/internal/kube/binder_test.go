package kube_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/scheduler/internal/kube"
)

func pendingPod() *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "uid-p"}}
}

func decision() *allocation.Allocation {
	a := allocation.New("n1")
	a.Containers = []allocation.Container{{Name: "app", Devices: []allocation.Device{{Vendor: "nvidia", ID: "GPU-0", MemoryMiB: 100, Mode: "hami-core"}}}}
	return a
}

// The decision travels on the Binding: the API server copies its
// annotations onto the pod in the same write that sets the node.
func TestBinderBindsWithTheDecision(t *testing.T) {
	t.Parallel()
	client := fake.NewClientset(pendingPod())
	var binding *corev1.Binding
	client.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() == "binding" {
			binding = a.(k8stesting.CreateAction).GetObject().(*corev1.Binding)
			return true, nil, nil
		}
		return false, nil, nil
	})
	require.NoError(t, kube.NewBinder(client).Bind(context.Background(), pendingPod(), "n1", decision(), now))
	require.Equal(t, "n1", binding.Target.Name)
	require.Equal(t, types.UID("uid-p"), binding.UID, "the binding must not land on a pod recreated under the same name")
	a, err := allocation.Decode(binding.Annotations[allocation.Annotation])
	require.NoError(t, err)
	require.Equal(t, decision(), a)
	require.Equal(t, "allocating", binding.Annotations[allocation.AnnotationBindPhase])
	require.Equal(t, allocation.FormatTime(now), binding.Annotations[allocation.AnnotationBindTime])
	require.Empty(t, patches(client), "one write per pod: no patch")
}

// A failed binding writes nothing: the pod carries no decision anyone could
// count, and a pod already bound keeps the decision it runs with.
func TestBinderFailedBindWritesNothing(t *testing.T) {
	t.Parallel()
	client := fake.NewClientset(pendingPod())
	client.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() == "binding" {
			return true, nil, errors.New("pod p is already assigned to node n0")
		}
		return false, nil, nil
	})
	err := kube.NewBinder(client).Bind(context.Background(), pendingPod(), "n1", decision(), now)
	require.ErrorContains(t, err, "bind default/p to n1: pod p is already assigned")
	require.Empty(t, patches(client))
	got, err := client.CoreV1().Pods("default").Get(context.Background(), "p", metav1.GetOptions{})
	require.NoError(t, err)
	require.Empty(t, got.Annotations)
}

func patches(client *fake.Clientset) []k8stesting.Action {
	var out []k8stesting.Action
	for _, a := range client.Actions() {
		if a.GetVerb() == "patch" {
			out = append(out, a)
		}
	}
	return out
}
