package demo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hami-project/hami/e2e/harness"
	"github.com/hami-project/hami/e2e/harness/proc"
)

// scheduler is the running hami-scheduler.
type scheduler struct {
	extenderURL string // its health, metrics (and, as the extender, verbs)
	natsURL     string
	uiURL       string
}

// startScheduler runs hami-scheduler: by default as kube-scheduler with the
// HAMi plugin compiled in, on the configuration it prints as its default;
// with o.Extender, as the extender of the pinned kube-scheduler.
func startScheduler(ctx context.Context, c *harness.Cluster, o *Options) (*scheduler, error) {
	addr, err := loopback()
	if err != nil {
		return nil, err
	}
	natsPort, err := harness.FreePort()
	if err != nil {
		return nil, err
	}
	cert, key, err := c.ServingFiles("hami-scheduler")
	if err != nil {
		return nil, err
	}
	s := &scheduler{extenderURL: "https://" + addr, natsURL: fmt.Sprintf("nats://127.0.0.1:%d", natsPort), uiURL: "http://" + o.UIAddr + "/"}
	var p *proc.Process
	if o.Extender {
		p, err = c.StartComponent("hami-scheduler", o.bin("hami-scheduler"), "extender",
			"--kubeconfig="+c.Kubeconfig(), "--addr="+addr, "--ui-addr="+o.UIAddr,
			"--tls-cert-file="+cert, "--tls-key-file="+key,
			"--nats-port="+strconv.Itoa(natsPort), "--nats-store-dir="+filepath.Join(c.Dir(), "nats"),
			"--leader-elect=false", "--log-format=console")
		if err == nil {
			err = waitOK(ctx, c, p, s.extenderURL+"/readyz")
		}
		if err == nil {
			_, err = c.StartScheduler(ctx, KubeSchedulerConfig(s.extenderURL, c.CA().CertPEM()))
		}
		return s, err
	}
	cfg, err := PluginSchedulerConfig(o.bin("hami-scheduler"))
	if err != nil {
		return nil, err
	}
	p, err = c.StartSchedulerBinary(ctx, "hami-scheduler", o.bin("hami-scheduler"), cfg,
		"--hami-addr="+addr, "--ui-addr="+o.UIAddr,
		"--hami-tls-cert-file="+cert, "--hami-tls-key-file="+key,
		"--nats-port="+strconv.Itoa(natsPort), "--nats-store-dir="+filepath.Join(c.Dir(), "nats"),
		"--hami-log-format=console")
	if err != nil {
		return nil, err
	}
	return s, waitOK(ctx, c, p, s.extenderURL+"/readyz")
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
		"--kubeconfig="+c.Kubeconfig(), "--listen="+listen, "--ops-listen="+ops,
		"--self-signed", "--secret-namespace=hami-system", "--cert-hosts=127.0.0.1,localhost",
		"--webhook-config=hami-webhook", "--nats-url="+natsURL, "--log-format=console")
	if err != nil {
		return err
	}
	return waitOK(ctx, c, p, "http://"+ops+"/readyz")
}

// startPlugin runs one hami-nvidia-plugin on a fake server model, registered
// with the kubelet (or simulated kubelet) whose device-plugin folder is dir.
// Each plugin gets the folders a node would have to itself.
func startPlugin(c *harness.Cluster, o *Options, node, model, dir, natsURL string) (*proc.Process, error) {
	home := filepath.Join(c.Dir(), "plugins", node)
	for _, sub := range []string{"state", "regions", "vgpu"} {
		if err := os.MkdirAll(filepath.Join(home, sub), 0o755); err != nil {
			return nil, err
		}
	}
	if err := installLimiter(o, filepath.Join(home, "vgpu")); err != nil {
		return nil, err
	}
	fake, err := writeFake(home, node, model)
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(home, "config.yaml")
	if err := os.WriteFile(cfg, []byte(pluginConfig), 0o644); err != nil {
		return nil, err
	}
	return c.StartComponent("hami-nvidia-plugin-"+node, o.bin("hami-nvidia-plugin"),
		"--kubeconfig="+c.Kubeconfig(), "--node="+node, "--fake="+fake, "--device-plugin-dir="+dir,
		"--config="+cfg, "--nats-url="+natsURL, "--state-dir="+filepath.Join(home, "state"),
		"--region-dir="+filepath.Join(home, "regions"), "--limiter-dir="+filepath.Join(home, "vgpu"),
		"--heartbeat=2s", "--inventory-ttl=10s", "--log-format=console")
}

// startVendorPlugin runs a plugin of another vendor on its fake model,
// with the state folder a node would have to itself.
func startVendorPlugin(c *harness.Cluster, o *Options, v VendorServer, node, dir, natsURL string) (*proc.Process, error) {
	state := filepath.Join(c.Dir(), "plugins", node, "state")
	if err := os.MkdirAll(state, 0o755); err != nil {
		return nil, err
	}
	return c.StartComponent(pluginBinary(v.Vendor)+"-"+node, o.bin(pluginBinary(v.Vendor)),
		"--kubeconfig="+c.Kubeconfig(), "--node="+node, "--fake="+v.Model, "--device-plugin-dir="+dir,
		"--nats-url="+natsURL, "--state-dir="+state, "--heartbeat=2s", "--inventory-ttl=10s", "--log-format=console")
}

// installLimiter puts libvgpu.so into the node's host folder, as the
// chart's init container does before the plugin starts.
func installLimiter(o *Options, to string) error {
	out, err := exec.Command(o.bin("hami-nvidia-plugin"), "install-limiter", "--from="+o.Limiter, "--to="+to).CombinedOutput()
	if err != nil {
		return fmt.Errorf("install-limiter: %w: %s", err, out)
	}
	return nil
}

// pluginConfig lets GPUs in MIG mode be handed out as MIG instances.
const pluginConfig = "apiVersion: config.hami.io/v1\nkind: HAMiConfig\nmigStrategy: mixed\n"

// writeFake describes the node's fake server: on A100 and H100 servers the
// last two GPUs start in MIG mode, as an operator would set some aside.
func writeFake(home, node, model string) (string, error) {
	mig := ""
	if model == "dgxa100" || model == "dgxh100" {
		mig = "migEnabled: [6, 7]\n"
	}
	doc := fmt.Sprintf("apiVersion: fake.nvidia.hami.io/v1\nkind: FakeSystem\nsystem: %s\nseed: %s\n%s", model, node, mig)
	path := filepath.Join(home, "fake.yaml")
	return path, os.WriteFile(path, []byte(doc), 0o644)
}

func loopback() (string, error) {
	port, err := harness.FreePort()
	if err != nil {
		return "", err
	}
	return "127.0.0.1:" + strconv.Itoa(port), nil
}

// waitOK waits up to a minute for a component's readiness endpoint.
func waitOK(ctx context.Context, c *harness.Cluster, p *proc.Process, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return c.WaitReady(ctx, p, url)
}
