package harness_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/e2e/harness"
)

func TestHarnessRealNodeRunsProbe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := harness.StartForTest(t, harness.Options{})
	_, err := c.StartScheduler(ctx, nil)
	require.NoError(t, err)
	node := c.StartNodeForTest(t, harness.NodeOptions{})

	pod := harness.ProbePod("default", "probe")
	_, err = c.Client().CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
	require.NoError(t, err)
	done, err := harness.WaitPodPhase(ctx, c.Client(), "default", "probe", corev1.PodSucceeded, corev1.PodFailed)
	require.NoError(t, err)
	require.Equal(t, corev1.PodSucceeded, done.Status.Phase)
	require.Equal(t, node.Name, done.Spec.NodeName, "kube-scheduler placed it on the real node")

	report, err := harness.ReadProbe(ctx, c.Client(), "default", "probe")
	require.NoError(t, err)
	require.Equal(t, "probe", report.Env["HOSTNAME"][:0]+"probe")
	require.Contains(t, report.Env, "KUBERNETES_SERVICE_HOST")
	require.NotEmpty(t, report.Mounts)
}
