package scheduler_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
)

// hamiScheduler is the hami-scheduler process under test. Its address, NATS
// port and JetStream store stay the same across restarts, as they would
// for a pod restarted in place.
type hamiScheduler struct {
	c        *harness.Cluster
	bin      string
	addr     string // extender, health and metrics
	natsPort int
	storeDir string
	// certFile and keyFile are its serving certificate, of the cluster's
	// CA: kube-scheduler reaches it over HTTPS, as in production.
	certFile, keyFile string
	client            *http.Client
	choice            nodeChoice
	front             frontEnd
	p                 *proc.Process
	starts            int
}

// buildHAMiScheduler builds the binary from the repository into dir.
func buildHAMiScheduler(t testing.TB, dir string) string {
	t.Helper()
	paths, err := harness.FindPaths()
	require.NoError(t, err)
	bin := filepath.Join(dir, "hami-scheduler")
	cmd := exec.Command("go", "build", "-o", bin, "./scheduler/cmd/hami-scheduler")
	cmd.Dir = paths.Root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build hami-scheduler: %s", out)
	return bin
}

// startHAMiScheduler starts hami-scheduler with its embedded NATS server,
// as kube-scheduler itself (the plugin front end) or as the extender, and
// waits until it is ready.
func startHAMiScheduler(ctx context.Context, t testing.TB, c *harness.Cluster, bin string, front frontEnd) *hamiScheduler {
	t.Helper()
	h := &hamiScheduler{
		c: c, bin: bin, addr: "127.0.0.1:" + strconv.Itoa(freePort(t)),
		natsPort: freePort(t), storeDir: filepath.Join(c.Dir(), "hami-nats"), client: c.HTTPClient(), choice: best,
		front: front,
	}
	var err error
	h.certFile, h.keyFile, err = c.ServingFiles("hami-scheduler")
	require.NoError(t, err)
	require.NoError(t, h.start(ctx))
	return h
}

func (h *hamiScheduler) start(ctx context.Context) error {
	h.starts++
	name := fmt.Sprintf("hami-scheduler-%d", h.starts)
	if h.front == pluginFrontEnd {
		return h.startPlugin(ctx, name)
	}
	p, err := proc.Start(proc.Spec{
		Name: name, Path: h.bin, LogPath: filepath.Join(h.c.Dir(), name+".log"),
		Args: []string{
			"extender",
			"--kubeconfig=" + h.c.Kubeconfig(),
			"--addr=" + h.addr,
			"--tls-cert-file=" + h.certFile, "--tls-key-file=" + h.keyFile,
			"--node-choice=" + string(h.choice),
			"--nats-port=" + strconv.Itoa(h.natsPort),
			"--nats-store-dir=" + h.storeDir,
			"--leader-elect=false",
			"--identity=e2e",
			"--log-format=console",
		},
	})
	if err != nil {
		return err
	}
	h.p = p
	h.c.OnStop(name, func() error { return p.Stop(10 * time.Second) })
	return h.waitReady(ctx)
}

// startPlugin starts hami-scheduler as kube-scheduler with the plugin
// compiled in, on the configuration it prints as its default (with the
// test's backoffs), through the harness as any kube-scheduler.
func (h *hamiScheduler) startPlugin(ctx context.Context, name string) error {
	cfg, err := pluginSchedulerConfig(h.bin, h.choice)
	if err != nil {
		return err
	}
	p, err := h.c.StartSchedulerBinary(ctx, name, h.bin, cfg,
		"--hami-addr="+h.addr,
		"--hami-tls-cert-file="+h.certFile, "--hami-tls-key-file="+h.keyFile,
		"--node-choice="+string(h.choice),
		"--nats-port="+strconv.Itoa(h.natsPort),
		"--nats-store-dir="+h.storeDir,
		"--hami-log-format=console",
	)
	if err != nil {
		return err
	}
	h.p = p
	return h.waitReady(ctx)
}

func (h *hamiScheduler) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return h.c.WaitReady(ctx, h.p, h.url()+"/readyz")
}

// crash kills the process with SIGKILL, as an OOM kill or a node failure
// would: no graceful shutdown, no lease release, NATS gone with it.
func (h *hamiScheduler) crash(t testing.TB) {
	t.Helper()
	require.NoError(t, syscall.Kill(-h.p.Pid(), syscall.SIGKILL))
	<-h.p.Done()
}

// natsURL is where plugins publish.
func (h *hamiScheduler) natsURL() string { return "nats://127.0.0.1:" + strconv.Itoa(h.natsPort) }

// url is the extender's urlPrefix.
func (h *hamiScheduler) url() string { return "https://" + h.addr }

// metric sums the samples of one metric family whose label set contains
// every given `name="value"` fragment.
func (h *hamiScheduler) metric(ctx context.Context, family string, labels ...string) (float64, error) {
	body, err := h.get(ctx, "/metrics")
	if err != nil {
		return 0, err
	}
	var sum float64
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		// The value follows the last space; label values may hold spaces.
		cut := strings.LastIndexByte(line, ' ')
		if cut < 0 || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest := line[:cut], line[cut+1:]
		if base, _, _ := strings.Cut(name, "{"); base != family || !containsAll(name, labels) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil {
			return 0, fmt.Errorf("metric line %q: %w", line, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// get reads one of the extender's endpoints.
func (h *hamiScheduler) get(ctx context.Context, path string) (string, error) {
	url := h.url() + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&b); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return b.String(), fmt.Errorf("GET %s: %s: %s", url, resp.Status, b.String())
	}
	return b.String(), nil
}

// freePort returns a port free on 127.0.0.1 at the time of the call.
func freePort(t testing.TB) int {
	t.Helper()
	port, err := harness.FreePort()
	require.NoError(t, err)
	return port
}

// filter asks the extender directly, as kube-scheduler would, which of
// nodes can take pod, and returns the reasons of those that cannot.
func (h *hamiScheduler) filter(ctx context.Context, pod *corev1.Pod, nodes ...string) (map[string]string, error) {
	body, err := json.Marshal(&extenderv1.ExtenderArgs{Pod: pod, NodeNames: &nodes})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url()+"/filter", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var res extenderv1.ExtenderFilterResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, err
	}
	if res.Error != "" {
		return nil, errors.New(res.Error)
	}
	return res.FailedNodes, nil
}

// waitFilterReason waits until the extender refuses node for pod with a
// reason containing want: the scheduler has seen a change of the fleet.
func (h *hamiScheduler) waitFilterReason(ctx context.Context, t *testing.T, pod *corev1.Pod, node, want string) {
	t.Helper()
	var last map[string]string
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		failed, err := h.filter(ctx, pod, node)
		last = failed
		return err == nil && strings.Contains(failed[node], want), nil
	})
	require.NoError(t, err, "extender never refused %s with %q (last: %v)", node, want, last)
}
