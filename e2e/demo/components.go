package demo

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
)

// scheduler is the running hami-scheduler.
type scheduler struct {
	extenderURL string
	natsURL     string
	uiURL       string
}

func startScheduler(ctx context.Context, c *harness.Cluster, o *Options) (*scheduler, error) {
	addr, err := loopback()
	if err != nil {
		return nil, err
	}
	natsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	p, err := c.StartComponent("hami-scheduler", o.bin("hami-scheduler"),
		"--kubeconfig="+kubeconfig(c), "--addr="+addr, "--ui-addr="+o.UIAddr,
		"--nats-port="+strconv.Itoa(natsPort), "--nats-store-dir="+filepath.Join(c.Dir(), "nats"),
		"--leader-elect=false", "--log-format=console")
	if err != nil {
		return nil, err
	}
	s := &scheduler{extenderURL: "http://" + addr, natsURL: fmt.Sprintf("nats://127.0.0.1:%d", natsPort), uiURL: "http://" + o.UIAddr + "/"}
	return s, waitOK(ctx, p, s.extenderURL+"/readyz")
}

// startWebhook runs hami-webhook with a self-signed certificate: it keeps
// the CA in a Secret and fills in the caBundle of the configuration
// registered here, as the Helm chart's setup does.
func startWebhook(ctx context.Context, c *harness.Cluster, o *Options, natsURL string) error {
	listen, err := loopback()
	if err != nil {
		return err
	}
	ops, err := loopback()
	if err != nil {
		return err
	}
	// failurePolicy Fail: a pod that asks for a GPU must not slip past the
	// defaults and checks because the webhook was briefly away.
	cfg := harness.PodMutatingWebhook("hami-webhook", "https://"+listen+"/mutate", nil)
	if err := c.RegisterMutatingWebhook(ctx, cfg); err != nil {
		return err
	}
	p, err := c.StartComponent("hami-webhook", o.bin("hami-webhook"),
		"--kubeconfig="+kubeconfig(c), "--listen="+listen, "--ops-listen="+ops,
		"--self-signed", "--secret-namespace=hami-system", "--cert-hosts=127.0.0.1,localhost",
		"--webhook-config=hami-webhook", "--nats-url="+natsURL, "--log-format=console")
	if err != nil {
		return err
	}
	return waitOK(ctx, p, "http://"+ops+"/readyz")
}

// startPlugin runs one hami-nvidia-plugin on a fake server model, registered
// with the kubelet (or simulated kubelet) whose device-plugin folder is dir.
func startPlugin(c *harness.Cluster, o *Options, node, model, dir, natsURL string) (*proc.Process, error) {
	return c.StartComponent("hami-nvidia-plugin-"+node, o.bin("hami-nvidia-plugin"), pluginArgs(node, model, dir, natsURL)...)
}

func pluginArgs(node, model, dir, natsURL string) []string {
	return []string{
		"--node-name=" + node, "--fake=" + model, "--kubelet-dir=" + dir,
		"--nats-url=" + natsURL, "--log-format=console",
	}
}

func kubeconfig(c *harness.Cluster) string { return filepath.Join(c.Dir(), "admin.kubeconfig") }

func waitOK(ctx context.Context, p *proc.Process, url string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		select {
		case <-p.Done():
			return false, fmt.Errorf("%s exited: %v\n%s", p.Name(), p.ExitErr(), p.LogTail(20))
		default:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		res, err := client.Do(req)
		if err != nil {
			return false, nil
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		return fmt.Errorf("%s not ready at %s: %w\n%s", p.Name(), url, err, p.LogTail(20))
	}
	return nil
}

func loopback() (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	return "127.0.0.1:" + strconv.Itoa(port), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
