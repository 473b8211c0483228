package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

// kubeletPorts are the kubelet's two loopback listeners.
type kubeletPorts struct {
	api, healthz int
}

// kubeletConfig follows DESIGN 7.4: cgroup v1 tolerated, cgroupfs, no QoS
// cgroups or allocatable enforcement, swap allowed. It serves on 127.0.0.1
// with a certificate from the cluster CA and accepts only clients with a
// certificate from that CA (the apiserver, for logs and exec).
func kubeletConfig(dir, containerdSocket string, ports kubeletPorts, certFile, keyFile string) *kubeletv1beta1.KubeletConfiguration {
	cfg := &kubeletv1beta1.KubeletConfiguration{
		Address:            "127.0.0.1",
		Port:               int32(ports.api),
		ReadOnlyPort:       0,
		HealthzBindAddress: "127.0.0.1",
		HealthzPort:        ptr.To(int32(ports.healthz)),
		TLSCertFile:        certFile,
		TLSPrivateKeyFile:  keyFile,
		Authentication: kubeletv1beta1.KubeletAuthentication{
			X509:      kubeletv1beta1.KubeletX509Authentication{ClientCAFile: filepath.Join(dir, "ca.crt")},
			Webhook:   kubeletv1beta1.KubeletWebhookAuthentication{Enabled: ptr.To(false)},
			Anonymous: kubeletv1beta1.KubeletAnonymousAuthentication{Enabled: ptr.To(false)},
		},
		Authorization:               kubeletv1beta1.KubeletAuthorization{Mode: kubeletv1beta1.KubeletAuthorizationModeAlwaysAllow},
		CgroupDriver:                "cgroupfs",
		CgroupsPerQOS:               ptr.To(false),
		EnforceNodeAllocatable:      []string{"none"},
		FailSwapOn:                  ptr.To(false),
		FailCgroupV1:                ptr.To(false),
		ContainerRuntimeEndpoint:    "unix://" + containerdSocket,
		PodLogsDir:                  filepath.Join(dir, "kubelet", "pod-logs"),
		ImageGCHighThresholdPercent: ptr.To(int32(100)),
		ImageGCLowThresholdPercent:  ptr.To(int32(99)),
		// The machine's disk and memory are shared; never evict test pods.
		EvictionHard:           map[string]string{"memory.available": "1Mi", "nodefs.available": "0%", "imagefs.available": "0%", "nodefs.inodesFree": "0%"},
		MakeIPTablesUtilChains: ptr.To(false),
		SyncFrequency:          metav1.Duration{Duration: 5 * time.Second},
		// Device-plugin capacity reaches the Node on the next status update;
		// tests should not wait the default 10 s for it.
		NodeStatusUpdateFrequency: metav1.Duration{Duration: 2 * time.Second},
		FileCheckFrequency:        metav1.Duration{Duration: 5 * time.Second},
		SerializeImagePulls:       ptr.To(false),
		RotateCertificates:        false,
	}
	cfg.APIVersion = kubeletv1beta1.SchemeGroupVersion.String()
	cfg.Kind = "KubeletConfiguration"
	if _, err := os.Stat("/etc/resolv.conf"); err != nil {
		cfg.ResolverConfig = ptr.To("")
	}
	return cfg
}

// writeKubeletFiles writes the kubelet's config, its kubeconfig (client
// certificate system:node:<name>, as the Node authorizer expects) and its
// serving certificate, and returns the config path and kubeconfig path.
func (c *Cluster) writeKubeletFiles(nodeName, containerdSocket string, ports kubeletPorts) (string, string, error) {
	dir := filepath.Join(c.dir, "kubelet")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("create kubelet dir: %w", err)
	}
	serving, err := c.ca.IssueServing("kubelet-"+nodeName, nodeName, "localhost", "127.0.0.1")
	if err != nil {
		return "", "", err
	}
	certFile, keyFile, err := serving.WriteFiles(dir, "kubelet-serving")
	if err != nil {
		return "", "", err
	}
	client, err := c.ca.IssueClient("system:node:"+nodeName, "system:nodes")
	if err != nil {
		return "", "", err
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	nodeCfg := &rest.Config{Host: c.admin.Host}
	nodeCfg.CAData = c.ca.CertPEM()
	nodeCfg.CertData, nodeCfg.KeyData = client.CertPEM, client.KeyPEM
	if err := writeKubeconfig(kubeconfig, nodeCfg); err != nil {
		return "", "", err
	}
	doc, err := yaml.Marshal(kubeletConfig(c.dir, containerdSocket, ports, certFile, keyFile))
	if err != nil {
		return "", "", fmt.Errorf("encode kubelet config: %w", err)
	}
	configPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(configPath, doc, 0o600); err != nil {
		return "", "", fmt.Errorf("write kubelet config: %w", err)
	}
	return configPath, kubeconfig, nil
}
