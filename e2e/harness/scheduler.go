package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	schedv1 "k8s.io/kube-scheduler/config/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/hami-project/hami/e2e/harness/proc"
)

// ParseSchedulerConfig decodes a KubeSchedulerConfiguration document
// strictly (an unknown field is an error, not silently ignored).
func ParseSchedulerConfig(doc []byte) (*schedv1.KubeSchedulerConfiguration, error) {
	var cfg schedv1.KubeSchedulerConfiguration
	if err := yaml.UnmarshalStrict(doc, &cfg); err != nil {
		return nil, fmt.Errorf("decode scheduler config: %w", err)
	}
	return &cfg, nil
}

// StartScheduler starts kube-scheduler with cfg (nil: the defaults). The
// harness fills in what only it knows: the kubeconfig, no leader election,
// and, when left zero, a client QPS high enough not to be the bottleneck of
// scheduling benchmarks. It returns once /healthz answers.
func (c *Cluster) StartScheduler(ctx context.Context, cfg *schedv1.KubeSchedulerConfiguration) (*proc.Process, error) {
	return c.StartSchedulerBinary(ctx, "kube-scheduler", c.paths.KubeScheduler, cfg)
}

// StartSchedulerBinary is StartScheduler for another build of
// kube-scheduler, such as hami-scheduler with its plugin compiled in: the
// process is named name (its log is name.log), and extra flags follow the
// harness's own.
func (c *Cluster) StartSchedulerBinary(ctx context.Context, name, path string, cfg *schedv1.KubeSchedulerConfiguration, extra ...string) (*proc.Process, error) {
	configPath, err := c.writeSchedulerConfig(cfg)
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	adminKubeconfig := c.Kubeconfig()
	args := append([]string{
		"--config=" + configPath,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(c.dir, "scheduler-certs"),
		"--authentication-kubeconfig=" + adminKubeconfig,
		"--authorization-kubeconfig=" + adminKubeconfig,
		"--v=1",
	}, extra...)
	p, err := c.startProcess(name, path, 10*time.Second, args...)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP(ctx, p, insecureClient(), fmt.Sprintf("https://127.0.0.1:%d/healthz", port)); err != nil {
		return nil, err
	}
	return p, nil
}

func (c *Cluster) writeSchedulerConfig(in *schedv1.KubeSchedulerConfiguration) (string, error) {
	cfg := schedv1.KubeSchedulerConfiguration{}
	if in != nil {
		cfg = *in.DeepCopy()
	}
	cfg.APIVersion = schedv1.SchemeGroupVersion.String()
	cfg.Kind = "KubeSchedulerConfiguration"
	kubeconfig := filepath.Join(c.dir, "scheduler.kubeconfig")
	if err := writeKubeconfig(kubeconfig, c.userConfig(c.tokens[schedulerUser])); err != nil {
		return "", err
	}
	cfg.ClientConnection.Kubeconfig = kubeconfig
	if cfg.ClientConnection.QPS == 0 {
		cfg.ClientConnection.QPS = 1000
		cfg.ClientConnection.Burst = 2000
	}
	cfg.LeaderElection.LeaderElect = ptr.To(false)
	doc, err := yaml.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("encode scheduler config: %w", err)
	}
	path := filepath.Join(c.dir, "scheduler-config.yaml")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		return "", fmt.Errorf("write scheduler config: %w", err)
	}
	return path, nil
}
