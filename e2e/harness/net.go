package harness

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hami-project/hami/e2e/harness/proc"
)

// FreePort asks the kernel for an unused 127.0.0.1 port. Prefer handing a
// live listener to an in-process server; a port is for a separate process.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func freePorts(n int) ([]int, error) {
	// Hold all listeners until every port is known, so none repeats.
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// waitHTTP polls url until it answers 200, the process exits, or ctx ends.
func waitHTTP(ctx context.Context, p *proc.Process, client *http.Client, url string) error {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	var last error
	for {
		resp, err := client.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not healthy at %s (last: %w): %w\n%s", p.Name(), url, last, ctx.Err(), p.LogTail(20))
		case <-p.Done():
			return fmt.Errorf("%s exited: %w\n%s", p.Name(), p.ExitErr(), p.LogTail(30))
		case <-ticker.C:
		}
	}
}

func insecureClient() *http.Client {
	return &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // health probes of our own loopback servers
	}
}

// ServingFiles issues a serving certificate of the cluster's CA for
// 127.0.0.1 and localhost and writes it into the cluster's folder as
// <name>.crt and <name>.key, for a component that takes them as flags.
func (c *Cluster) ServingFiles(name string) (certFile, keyFile string, err error) {
	pair, err := c.ca.IssueServing(name, "127.0.0.1", "localhost")
	if err != nil {
		return "", "", err
	}
	return pair.WriteFiles(c.dir, name)
}

// HTTPClient trusts the cluster's CA: it reaches the components that serve
// the certificates of ServingFiles.
func (c *Cluster) HTTPClient() *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.ca.Pool(), MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true},
	}
}

// WaitReady polls a url of a component the caller started, over plain
// HTTP or over HTTPS with a certificate of ServingFiles, until it answers
// 200, the process exits, or ctx ends.
func (c *Cluster) WaitReady(ctx context.Context, p *proc.Process, url string) error {
	client := c.HTTPClient()
	client.Timeout = 2 * time.Second
	return waitHTTP(ctx, p, client, url)
}
