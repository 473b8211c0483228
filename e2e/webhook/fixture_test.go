package webhook_test

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/metrics"
	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/admission/admissiontest"
	"github.com/hami-project/hami/webhook/certs"
	"github.com/hami-project/hami/webhook/server"
)

// Names the tests share.
const (
	webhookName = "hami-webhook"
	hookName    = webhookName + ".hami.io" // harness.PodMutatingWebhook's naming
	systemNS    = "hami-system"
	userNS      = "team-a"
	optedOutNS  = "batch"
	largestMiB  = 81559
)

// webhookServer is the webhook running in this process as hami-webhook
// would: self-signed certificate kept in a Secret of the real apiserver.
type webhookServer struct {
	url  string
	stop func() error
}

// startWebhook serves the admission endpoint on 127.0.0.1 with the
// self-signed code path (Secret + caBundle of our configuration).
func startWebhook(t *testing.T, c *harness.Cluster) *webhookServer {
	t.Helper()
	ctx := logging.Into(context.Background(), harness.TestLogger(t))
	s := &certs.SelfSigned{Client: c.Client(), Namespace: systemNS, Name: "hami-webhook-tls", Hosts: []string{"127.0.0.1"}}
	bundle, err := s.Ensure(ctx, time.Now())
	require.NoError(t, err)
	pair, err := bundle.TLSCertificate()
	require.NoError(t, err)
	holder := &certs.Holder{}
	holder.Set(pair)

	// The fleet: nodes of 80 GiB H100s whose plugin publishes the default
	// NVIDIA names, Volcano aliases included.
	inv := devicetest.Node("gpu-1", 8, largestMiB)
	inv.Resources = config.DefaultVendors()[config.VendorNVIDIA]
	a, err := admission.New(config.Default(), admissiontest.NewFleet(inv), admission.Options{
		IgnoredNamespaces: []string{"kube-system", optedOutNS},
	})
	require.NoError(t, err)
	m, err := server.NewMetrics(metrics.NewRegistry())
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- server.Serve(ctx, 5*time.Second, server.Listener{
			Name: "webhook", Listener: ln, Handler: server.WebhookMux(server.NewHandler(a, m), server.NewReadiness()),
			TLS: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: holder.GetCertificate},
		})
	}()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { require.NoError(t, stop()) })

	// Register our configuration without a caBundle, then let the
	// self-signed code path fill it in, as in a Helm install.
	url := "https://" + ln.Addr().String() + "/mutate"
	require.NoError(t, c.RegisterMutatingWebhook(ctx, harness.PodMutatingWebhook(webhookName, url, nil)))
	require.NoError(t, certs.PatchCABundle(ctx, c.Client(), webhookName, bundle.CACert))
	waitForWebhook(t, c.Client())
	return &webhookServer{url: url, stop: stop}
}

// waitForWebhook dry-runs a GPU pod until the apiserver routes it through
// the webhook (it picks new configurations up within about a second).
func waitForWebhook(t *testing.T, client kubernetes.Interface) {
	t.Helper()
	require.Eventually(t, func() bool {
		pod, err := client.CoreV1().Pods(userNS).Create(context.Background(), gpuPod("probe", "nvidia.com/gpumem", "1000"),
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err == nil && pod.Spec.SchedulerName == admission.DefaultSchedulerName
	}, 30*time.Second, 200*time.Millisecond, "the apiserver never called the webhook")
}

// gpuPod is a pod as a user writes it, with the given limits.
func gpuPod(name string, limits ...string) *corev1.Pod {
	l := corev1.ResourceList{}
	for i := 0; i+1 < len(limits); i += 2 {
		l[corev1.ResourceName(limits[i])] = resource.MustParse(limits[i+1])
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: new(false),
			Containers:                   []corev1.Container{{Name: "app", Image: "registry.local/pause:test", Resources: corev1.ResourceRequirements{Limits: l}}},
		},
	}
}

// warnings collects the warnings the apiserver relays to a client.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}

// clientWithWarnings is a cluster-admin client that records warnings.
func clientWithWarnings(t *testing.T, c *harness.Cluster) (kubernetes.Interface, *warnings) {
	t.Helper()
	w := &warnings{}
	cfg := c.RESTConfig()
	cfg.WarningHandler = w
	client, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	return client, w
}

var _ rest.WarningHandler = (*warnings)(nil)
