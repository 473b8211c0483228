package harness

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"
)

// startEtcd starts a single-member etcd on loopback with fsync off (the data
// dies with the test) and returns its client URL.
func (c *Cluster) startEtcd(ctx context.Context) (string, error) {
	ports, err := freePorts(2)
	if err != nil {
		return "", err
	}
	clientURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	p, err := c.startProcess("etcd", c.paths.Etcd, 10*time.Second,
		"--name", "e2e",
		"--data-dir", filepath.Join(c.dir, "etcd"),
		"--listen-client-urls", clientURL,
		"--advertise-client-urls", clientURL,
		"--listen-peer-urls", peerURL,
		"--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "e2e="+peerURL,
		"--unsafe-no-fsync",
		"--quota-backend-bytes", "4294967296",
		"--log-level", "warn",
	)
	if err != nil {
		return "", err
	}
	if err := waitHTTP(ctx, p, &http.Client{Timeout: 2 * time.Second}, clientURL+"/health"); err != nil {
		return "", err
	}
	return clientURL, nil
}
