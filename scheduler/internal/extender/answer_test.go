package extender_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"

	"github.com/hami-project/hami/scheduler/internal/extender"
)

// The extender writes filter's and prioritize's answers as JSON without
// building the typed results. Decoded into those types, as kube-scheduler
// decodes them, every answer must equal the typed one.
func TestWrittenAnswersDecodeToTheTypedResults(t *testing.T) {
	t.Parallel()
	nodes := []string{"node-a", "node-b", "node-c"}
	pods := map[string]*corev1.Pod{
		"fits some nodes":  gpuPod("p", 1000, 10, nil),
		"fits one node":    gpuPod("p", 3000, 30, nil),
		"fits none":        gpuPod("p", 20000, 0, nil),
		"spread":           gpuPod("p", 1000, 10, map[string]string{"hami.io/node-scheduler-policy": "spread"}),
		"filters by model": gpuPod("p", 100, 0, map[string]string{"nvidia.com/use-gputype": `A100 "sxm"`}),
		"asks nothing":     {},
		"invalid":          gpuPod("p", 100, 120, nil),
	}
	fixtures := map[string]func(*testing.T, ...*corev1.Pod) *fixture{"best": newFixture, "weighted": newWeightedFixture}
	for name, pod := range pods {
		for choice, newFixture := range fixtures {
			t.Run(name+"/"+choice, func(t *testing.T) {
				t.Parallel()
				typed, written := newFixture(t), newFixture(t)
				srv := httptest.NewServer(extender.Handler(context.Background(), written.s, func() error { return nil }, nil))
				t.Cleanup(srv.Close)
				post := func(path string, body, out any) {
					t.Helper()
					b, err := json.Marshal(body)
					require.NoError(t, err)
					res, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(b))
					require.NoError(t, err)
					defer res.Body.Close()
					require.Equal(t, http.StatusOK, res.StatusCode)
					require.NoError(t, json.NewDecoder(res.Body).Decode(out))
				}

				want := typed.s.Filter(context.Background(), args(pod, nodes...))
				var got extenderv1.ExtenderFilterResult
				post("/filter", args(pod, nodes...), &got)
				require.Equal(t, *want, got)
				if want.NodeNames == nil {
					return
				}

				// Prioritize twice: with filter's scores, then judged afresh.
				passed := *want.NodeNames
				for range 2 {
					wantPrio := typed.s.Prioritize(context.Background(), args(pod, passed...))
					var gotPrio extenderv1.HostPriorityList
					post("/prioritize", args(pod, passed...), &gotPrio)
					require.Equal(t, *wantPrio, gotPrio)
				}
				wantPrio := typed.s.Prioritize(context.Background(), args(pod, nodes...))
				var gotPrio extenderv1.HostPriorityList
				post("/prioritize", args(pod, nodes...), &gotPrio)
				require.Equal(t, *wantPrio, gotPrio)
			})
		}
	}
}

// Prioritize finds filter's scores for a pod by its uid, the only part of
// the pod it reads when they are there.
func TestPrioritizeUsesFilterScoresByUID(t *testing.T) {
	t.Parallel()
	fx := newWeightedFixture(t)
	pod := gpuPod("p", 1000, 10, nil)
	pod.UID = types.UID("uid-1")
	res := fx.s.Filter(context.Background(), args(pod, "node-a", "node-b"))
	require.Equal(t, []string{"node-a", "node-b"}, *res.NodeNames)
	decodes := 0
	out := fx.s.AppendPrioritize(nil, pod.UID, *res.NodeNames, func() (*corev1.Pod, error) { decodes++; return pod, nil })
	require.JSONEq(t, `[{"Host":"node-b","Score":10}]`, string(out))
	require.Zero(t, decodes, "the pod is not decoded when filter left its scores")

	// Taken once: a second call judges the pod again.
	out = fx.s.AppendPrioritize(nil, pod.UID, *res.NodeNames, func() (*corev1.Pod, error) { decodes++; return pod, nil })
	require.JSONEq(t, `[{"Host":"node-b","Score":10}]`, string(out))
	require.Equal(t, 1, decodes)
}
