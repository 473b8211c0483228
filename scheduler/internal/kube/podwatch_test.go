package kube_test

import (
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/scheduler/internal/kube"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func allocated(node, nodeName, phase string, at time.Time) *corev1.Pod {
	a := allocation.New(node)
	a.Containers = []allocation.Container{{Name: "app", Devices: []allocation.Device{{Vendor: "nvidia", ID: "GPU-0", MemoryMiB: 100, Mode: "hami-core"}}}}
	v, _ := a.Encode()
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "uid-p", Annotations: map[string]string{
			allocation.Annotation: v, allocation.AnnotationBindPhase: phase, allocation.AnnotationBindTime: allocation.FormatTime(at),
		}},
		Spec: corev1.PodSpec{NodeName: nodeName},
	}
}

func TestPodWatch(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pod   *corev1.Pod
		holds bool
	}{
		"bound to its node":                {allocated("n1", "n1", "success", now.Add(-time.Hour)), true},
		"bound elsewhere":                  {allocated("n1", "n2", "success", now), false},
		"being bound, fresh decision":      {allocated("n1", "", "allocating", now.Add(-30*time.Second)), true},
		"abandoned decision":               {allocated("n1", "", "allocating", now.Add(-10*time.Minute)), false},
		"bind failed":                      {allocated("n1", "", "failed", now), false},
		"no allocation":                    {&corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "x"}}, false},
		"unreadable allocation is ignored": {withAnnotation(allocated("n1", "n1", "success", now), `{"apiVersion":"allocation.hami.io/v9"}`), false},
		"finished pod frees its share":     {withPhase(allocated("n1", "n1", "success", now), corev1.PodSucceeded), false},
		"failed pod frees its share":       {withPhase(allocated("n1", "n1", "success", now), corev1.PodFailed), false},
		"running pod keeps its share":      {withPhase(allocated("n1", "n1", "success", now), corev1.PodRunning), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			x := usage.NewIndex()
			h := kube.NewPodWatch(x, func() time.Time { return now }, zerolog.Nop()).Handler()
			h.OnAdd(tc.pod, true)
			_, ok := x.Get(tc.pod.UID)
			require.Equal(t, tc.holds, ok)
		})
	}
}

func TestPodWatchDeleteFrees(t *testing.T) {
	t.Parallel()
	x := usage.NewIndex()
	h := kube.NewPodWatch(x, func() time.Time { return now }, zerolog.Nop()).Handler()
	p := allocated("n1", "n1", "success", now)
	h.OnAdd(p, true)
	require.Equal(t, 1, x.Len())
	h.OnDelete(cache.DeletedFinalStateUnknown{Key: "default/p", Obj: p})
	require.Equal(t, 0, x.Len())
}

func withAnnotation(p *corev1.Pod, v string) *corev1.Pod {
	p.Annotations[allocation.Annotation] = v
	return p
}

func withPhase(p *corev1.Pod, ph corev1.PodPhase) *corev1.Pod {
	p.Status.Phase = ph
	return p
}
