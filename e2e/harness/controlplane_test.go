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

func TestHarnessControlPlane(t *testing.T) {
	start := time.Now()
	c := harness.StartForTest(t, harness.Options{Namespaces: []string{"team-a"}})
	t.Logf("control plane ready in %s", time.Since(start))
	ctx := context.Background()

	for _, ns := range []string{"default", "team-a"} {
		_, err := c.Client().CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		require.NoError(t, err, "namespace %s has its default ServiceAccount", ns)
		cm, err := c.Client().CoreV1().ConfigMaps(ns).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		require.NoError(t, err)
		require.Equal(t, string(c.CA().CertPEM()), cm.Data["ca.crt"])
	}

	// A namespace created by a test directly is populated by the harness
	// watcher, as kube-controller-manager would.
	_, err := c.Client().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "later"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := c.Client().CoreV1().ServiceAccounts("later").Get(ctx, "default", metav1.GetOptions{})
		return err == nil
	}, 10*time.Second, 50*time.Millisecond)
}
