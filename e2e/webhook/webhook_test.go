package webhook_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/webhook/admission"
)

// TestWebhook starts one cluster for every webhook scenario, since a cluster
// costs seconds; the webhook-down scenario runs last, once the others are done.
func TestWebhook(t *testing.T) {
	c := harness.StartForTest(t, harness.Options{Namespaces: []string{systemNS, userNS, optedOutNS}})
	wh := startWebhook(t, c)

	t.Run("admission", func(t *testing.T) {
		t.Run("FractionalPodIsRoutedAndDefaulted", func(t *testing.T) { t.Parallel(); fractionalPod(t, c) })
		t.Run("VolcanoAliasesAreRewritten", func(t *testing.T) { t.Parallel(); volcanoPod(t, c) })
		t.Run("BadPodIsRefusedNamingTheField", func(t *testing.T) { t.Parallel(); badPods(t, c) })
		t.Run("OptedOutPodsAreUntouched", func(t *testing.T) { t.Parallel(); optedOut(t, c) })
	})
	t.Run("WebhookDownFailsClosed", func(t *testing.T) { webhookDown(t, c, wh) })
}

func fractionalPod(t *testing.T, c *harness.Cluster) {
	ctx := context.Background()
	client, warned := clientWithWarnings(t, c)
	in := gpuPod("fractional", "nvidia.com/gpumem", "3000", "nvidia.com/gpucores", "30", "cpu", "100m")
	in.Annotations = map[string]string{"nvidia.com/use-gputype": "B200"}
	pod, err := client.CoreV1().Pods(userNS).Create(ctx, in, metav1.CreateOptions{})
	require.NoError(t, err)

	require.Equal(t, admission.DefaultSchedulerName, pod.Spec.SchedulerName)
	want := corev1.ResourceList{
		"nvidia.com/gpu": resource.MustParse("1"), "nvidia.com/gpumem": resource.MustParse("3000"),
		"nvidia.com/gpucores": resource.MustParse("30"), "cpu": resource.MustParse("100m"),
	}
	requireResources(t, want, pod.Spec.Containers[0].Resources.Limits)
	requireResources(t, want, pod.Spec.Containers[0].Resources.Requests)

	// What is stored is what came back.
	stored, err := client.CoreV1().Pods(userNS).Get(ctx, "fractional", metav1.GetOptions{})
	require.NoError(t, err)
	require.Equal(t, admission.DefaultSchedulerName, stored.Spec.SchedulerName)
	require.Contains(t, strings.Join(warned.all(), "\n"), `no nvidia device of model "B200" in the cluster`)
}

func volcanoPod(t *testing.T, c *harness.Cluster) {
	pod, err := c.Client().CoreV1().Pods(userNS).Create(context.Background(),
		gpuPod("volcano", "volcano.sh/vgpu-number", "1", "volcano.sh/vgpu-memory", "2048"), metav1.CreateOptions{})
	require.NoError(t, err)
	requireResources(t, corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1"), "nvidia.com/gpumem": resource.MustParse("2048")},
		pod.Spec.Containers[0].Resources.Limits)
	require.Equal(t, admission.DefaultSchedulerName, pod.Spec.SchedulerName)
}

func badPods(t *testing.T, c *harness.Cluster) {
	tests := map[string]struct {
		pod  *corev1.Pod
		want []string
	}{
		"cores above 100": {
			pod:  gpuPod("cores", "nvidia.com/gpu", "1", "nvidia.com/gpucores", "150"),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpucores]", "at most 100"},
		},
		"more memory than any device": {
			pod:  gpuPod("huge", "nvidia.com/gpumem", "200000"),
			want: []string{"spec.containers[0].resources.limits[nvidia.com/gpumem]", "largest nvidia device in the cluster (81559 MiB)"},
		},
		"node name set": {
			pod: func() *corev1.Pod {
				p := gpuPod("pinned", "nvidia.com/gpu", "1")
				p.Spec.NodeName = "gpu-1"
				return p
			}(),
			want: []string{"spec.nodeName", "remove spec.nodeName"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := c.Client().CoreV1().Pods(userNS).Create(context.Background(), tc.pod, metav1.CreateOptions{})
			require.Error(t, err)
			require.True(t, apierrors.IsInvalid(err), "an Invalid error like the apiserver's own validation: %v", err)
			require.Contains(t, err.Error(), `admission webhook "`+hookName+`" denied the request`)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			_, err = c.Client().CoreV1().Pods(userNS).Get(context.Background(), tc.pod.Name, metav1.GetOptions{})
			require.True(t, apierrors.IsNotFound(err), "a refused pod is not stored")
		})
	}
}

func optedOut(t *testing.T, c *harness.Cluster) {
	ctx := context.Background()
	pod, err := c.Client().CoreV1().Pods(optedOutNS).Create(ctx, gpuPod("batch", "nvidia.com/gpumem", "3000"), metav1.CreateOptions{})
	require.NoError(t, err)
	require.Equal(t, corev1.DefaultSchedulerName, pod.Spec.SchedulerName, "opted-out namespace")
	require.NotContains(t, pod.Spec.Containers[0].Resources.Limits, corev1.ResourceName("nvidia.com/gpu"))

	labelled := gpuPod("labelled", "nvidia.com/gpumem", "3000")
	labelled.Labels = map[string]string{admission.LabelWebhook: admission.LabelIgnore}
	pod, err = c.Client().CoreV1().Pods(userNS).Create(ctx, labelled, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Equal(t, corev1.DefaultSchedulerName, pod.Spec.SchedulerName, "opted-out label")
	require.NotContains(t, pod.Spec.Containers[0].Resources.Limits, corev1.ResourceName("nvidia.com/gpu"))
}

// webhookDown: with failurePolicy Fail, no pod the webhook should see can be
// created while it is down, and the error says which webhook and why.
func webhookDown(t *testing.T, c *harness.Cluster, wh *webhookServer) {
	require.NoError(t, wh.stop())
	_, err := c.Client().CoreV1().Pods(userNS).Create(context.Background(), gpuPod("while-down", "nvidia.com/gpu", "1"), metav1.CreateOptions{})
	require.Error(t, err)
	require.Contains(t, err.Error(), `failed calling webhook "`+hookName+`"`)
	require.Contains(t, err.Error(), strings.TrimPrefix(wh.url, "https://"))
	t.Logf("the error a user sees: %v", err)
}

func requireResources(t *testing.T, want, got corev1.ResourceList) {
	t.Helper()
	require.Len(t, got, len(want), "got %v", got)
	for name, q := range want {
		g, ok := got[name]
		require.True(t, ok, "missing %s in %v", name, got)
		require.Zero(t, q.Cmp(g), "%s: want %s, got %s", name, q.String(), g.String())
	}
}
