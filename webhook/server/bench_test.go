package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/webhook/admission"
	"github.com/hami-project/hami/webhook/admission/admissiontest"
	"github.com/hami-project/hami/webhook/server"
)

// BenchmarkAdmissionLatency sends b.N reviews of a fractional-GPU pod, one
// at a time, through the real handler over TLS on loopback (as the
// apiserver's kept-alive connection does) and reports the latency
// percentiles seen by the client. hack/bench-webhook.sh reads p99-ms.
func BenchmarkAdmissionLatency(b *testing.B) {
	invs := make([]*device.NodeInventory, 500)
	for i := range invs {
		invs[i] = devicetest.Node(fmt.Sprintf("node-%d", i), 8, 81559)
	}
	a, err := admission.New(config.Default(), admissiontest.NewFleet(invs...), admission.Options{})
	require.NoError(b, err)
	m, err := server.NewMetrics(prometheus.NewRegistry())
	require.NoError(b, err)
	srv := httptest.NewTLSServer(server.NewHandler(a, m))
	defer srv.Close()
	client := srv.Client()

	pod := gpuPod("team-a", "nvidia.com/gpumem", "3000", "nvidia.com/gpucores", "30", "cpu", "1", "memory", "1Gi")
	pod.Spec.Containers[0].Resources.Requests = pod.Spec.Containers[0].Resources.Limits.DeepCopy()
	pod.Annotations = map[string]string{"nvidia.com/use-gputype": "H100", "hami.io/gpu-scheduler-policy": "binpack"}
	body := reviewOf(b, "team-a", podJSON(b, pod))

	post := func() {
		resp, err := client.Post(srv.URL+"/mutate", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	for range 100 {
		post() // warm the connection and the registry cache
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		post()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(ms(percentile(lat, 0.50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 0.99)), "p99-ms")
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkAdmit is the decision alone, without HTTP.
func BenchmarkAdmit(b *testing.B) {
	a, err := admission.New(config.Default(), admissiontest.NewFleet(devicetest.Node("n", 8, 81559)), admission.Options{})
	require.NoError(b, err)
	pod := gpuPod("team-a", "nvidia.com/gpumem", "3000", "nvidia.com/gpucores", "30")
	req := admission.Request{Operation: "CREATE", Namespace: "team-a", Pod: pod}
	for b.Loop() {
		if d := a.Admit(b.Context(), req); d.Result != admission.Mutated {
			b.Fatal(d.Result)
		}
	}
}
