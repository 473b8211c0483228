package kube_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
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

func TestBinderWritesThenBinds(t *testing.T) {
	t.Parallel()
	client := fake.NewClientset(pendingPod())
	var bound string
	client.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() == "binding" {
			bound = a.(k8stesting.CreateAction).GetObject().(*corev1.Binding).Target.Name
			return true, nil, nil
		}
		return false, nil, nil
	})
	require.NoError(t, kube.NewBinder(client).Bind(context.Background(), pendingPod(), "n1", decision(), now))
	require.Equal(t, "n1", bound)

	got, err := client.CoreV1().Pods("default").Get(context.Background(), "p", metav1.GetOptions{})
	require.NoError(t, err)
	a, err := allocation.Decode(got.Annotations[allocation.Annotation])
	require.NoError(t, err)
	require.Equal(t, decision(), a)
	require.Equal(t, "allocating", got.Annotations[allocation.AnnotationBindPhase])
	require.Equal(t, allocation.FormatTime(now), got.Annotations[allocation.AnnotationBindTime])
}

func TestBinderMarksAFailedBind(t *testing.T) {
	t.Parallel()
	client := fake.NewClientset(pendingPod())
	client.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() == "binding" {
			return true, nil, errors.New("node is gone")
		}
		return false, nil, nil
	})
	err := kube.NewBinder(client).Bind(context.Background(), pendingPod(), "n1", decision(), now)
	require.ErrorContains(t, err, "bind default/p to n1: node is gone")

	got, err := client.CoreV1().Pods("default").Get(context.Background(), "p", metav1.GetOptions{})
	require.NoError(t, err)
	require.NotContains(t, got.Annotations, allocation.Annotation, "no one may count a failed decision")
	require.Equal(t, "failed", got.Annotations[allocation.AnnotationBindPhase])
}
