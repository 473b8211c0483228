package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/e2e/demo"
	"github.com/hami-project/hami/e2e/harness"
)

// TestDemo runs the demo as `make demo` does, checks that every sample pod
// ends where the policy says it must, and looks at the web view in a real
// browser.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin := t.TempDir()
	buildBinaries(t, bin)
	var out bytes.Buffer
	port, err := harness.FreePort()
	require.NoError(t, err)
	uiAddr := fmt.Sprintf("127.0.0.1:%d", port)
	err = demo.Run(ctx, demo.Options{
		Nodes: 4, BinDir: bin, Examples: filepath.Join(repoRoot(t), "examples"), UIAddr: uiAddr,
		Limiter:  buildLimiter(t),
		RealNode: harness.CheckNodePrerequisites() == nil, Out: &out, Log: harness.TestLogger(t).Level(zerolog.WarnLevel),
		Hold: func(ctx context.Context, r *demo.Result) error {
			t.Run("placements", func(t *testing.T) { checkPlacements(t, r) })
			t.Run("web view", func(t *testing.T) { checkWebView(ctx, t, r) })
			t.Run("kubectl-hami", func(t *testing.T) { checkCLI(ctx, t, bin, r) })
			t.Run("isolation in a real container", func(t *testing.T) { checkIsolation(ctx, t, r) })
			return nil
		},
	})
	t.Log(out.String())
	require.NoError(t, err)
	require.Contains(t, out.String(), "POD")
	require.Contains(t, out.String(), "web view: http://"+uiAddr+"/")
}

func checkPlacements(t *testing.T, r *demo.Result) {
	byName := map[string]*corev1.Pod{}
	for i := range r.Pods {
		byName[r.Pods[i].Name] = &r.Pods[i]
	}
	for _, name := range []string{"inference-small", "inference-medium", "inference-half", "training-two-gpu", "mig-slice", "pinned-h100"} {
		p := byName[name]
		require.NotNil(t, p, name)
		require.NotEmpty(t, p.Spec.NodeName, "%s is placed", name)
		require.Equal(t, demo.SchedulerName, p.Spec.SchedulerName, "%s went through the webhook", name)
	}
	two := devices(t, byName["training-two-gpu"])
	require.Len(t, two, 2)
	require.NotEqual(t, two[0].ID, two[1].ID, "two distinct GPUs")

	mig := devices(t, byName["mig-slice"])
	require.Equal(t, "mig", mig[0].Mode)
	// The smallest MIG profile that holds 15000 MiB is about 20 GB on every
	// server model of the fleet (2g.20gb on H100, 3g.20gb on A100 40GB).
	require.InDelta(t, 20000, mig[0].MemoryMiB, 1000, "smallest fitting profile, got %s", mig[0].Profile)

	small := devices(t, byName["inference-small"])
	require.Equal(t, int64(3000), small[0].MemoryMiB)
	require.Equal(t, int32(30), small[0].Cores)

	mlu := devices(t, byName["mlu-share"])
	require.Equal(t, "cambricon", mlu[0].Vendor)
	require.Equal(t, "mlu-0", byName["mlu-share"].Spec.NodeName)
	dcu := devices(t, byName["dcu-share"])
	require.Equal(t, "hygon", dcu[0].Vendor)
	require.Equal(t, int64(2000), dcu[0].MemoryMiB)
	require.Equal(t, int32(15), dcu[0].Cores)
	require.Equal(t, "vdcu", dcu[0].Mode)

	big := byName["too-big"]
	require.Empty(t, big.Spec.NodeName)
	require.Regexp(t, regexp.MustCompile(`too few fitting devices: want 16, 8 fit`), waitingReason(big))
}

func devices(t *testing.T, p *corev1.Pod) []allocation.Device {
	a, err := allocation.Decode(p.Annotations[allocation.Annotation])
	require.NoError(t, err, p.Name)
	return a.Containers[0].Devices
}

func waitingReason(p *corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			return c.Message
		}
	}
	return ""
}

// checkWebView loads the page in Chromium: every GPU node is drawn with its
// devices, and the device holding inference-small shows its 3000 MiB.
func checkWebView(ctx context.Context, t *testing.T, r *demo.Result) {
	dom := string(chromium(ctx, t, r.UIURL, "--dump-dom"))
	require.Contains(t, dom, `data-loaded="true"`, "the page fetched /api/fleet")
	for _, n := range r.Nodes {
		require.Contains(t, dom, `data-node="`+n+`"`)
	}
	small := devices(t, podNamed(r, "inference-small"))[0]
	re := regexp.MustCompile(`(?s)data-id="` + regexp.QuoteMeta(small.ID) + `"[^>]*>.*?data-used="(\d+)" data-total="(\d+)"`)
	m := re.FindStringSubmatch(dom)
	require.NotNil(t, m, "the device of inference-small is drawn")
	used, _ := strconv.Atoi(m[1])
	require.GreaterOrEqual(t, used, 3000, "its bar shows at least inference-small's 3000 MiB")
	require.Contains(t, dom, demo.Namespace+"/inference-small")

	shot := filepath.Join(screenshotDir(t), "web-view.png")
	chromium(ctx, t, r.UIURL, "--screenshot="+shot)
	require.FileExists(t, shot)
	t.Logf("screenshot: %s", shot)
}

func podNamed(r *demo.Result, name string) *corev1.Pod {
	for i := range r.Pods {
		if r.Pods[i].Name == name {
			return &r.Pods[i]
		}
	}
	return nil
}

// checkCLI runs kubectl-hami against the demo's cluster: it prints the same
// placements the demo printed, from the API server alone.
func checkCLI(ctx context.Context, t *testing.T, bin string, r *demo.Result) {
	out := run(ctx, t, "", filepath.Join(bin, "kubectl-hami"),
		"--kubeconfig", r.Cluster.Kubeconfig(), "-n", demo.Namespace)
	small := devices(t, podNamed(r, "inference-small"))[0]
	require.Regexp(t, `(?m)^hami-demo/inference-small\s+app\s+\S+\s+`+regexp.QuoteMeta(small.ID)+`\s+3000 MiB\s+30%\s+hami-core\s+Running`, out)
	require.Regexp(t, `(?m)^hami-demo/too-big\s+-.*Pending\s+.*too few fitting devices: want 16`, out)
}
