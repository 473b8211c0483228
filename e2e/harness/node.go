package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	"github.com/hami-project/hami/e2e/harness/proc"
)

// DefaultNodeName names the real node. The kubelet refuses a loopback node
// IP and listens on 127.0.0.1 only, so the apiserver reaches it through its
// Hostname address, which must resolve to 127.0.0.1 everywhere.
const DefaultNodeName = "localhost"

// ErrNodeUnavailable says this machine cannot run a real node (not root,
// containerd or runc missing, another kubelet running); tests skip on it.
var ErrNodeUnavailable = errors.New("real node unavailable")

// containerLogLinks is where the kubelet links container logs, whatever its
// root dir.
const containerLogLinks = "/var/log/containers"

// NodeOptions configure the real node.
type NodeOptions struct {
	Name string // DefaultNodeName when empty
}

// Node is the real node: kubelet + containerd + runc.
type Node struct {
	Name       string
	kubelet    *proc.Process
	containerd *containerd
}

// ImportImage loads a docker-archive tar (see package image) into the
// node's containerd, for pods that run an image of a test's own.
func (n *Node) ImportImage(ctx context.Context, tar string) error {
	return n.containerd.importImage(ctx, tar)
}

// DevicePluginDir is where device plugins find the kubelet's Registration
// socket (kubelet.sock) and put their own. The kubelet hard-codes it, so at
// most one real node runs per machine.
func (n *Node) DevicePluginDir() string { return pluginapi.DevicePluginPath }

// KubeletSocket is the kubelet's device-plugin Registration socket.
func (n *Node) KubeletSocket() string { return pluginapi.KubeletSocket }

// KubeletLog is the kubelet's log file.
func (n *Node) KubeletLog() string { return n.kubelet.LogPath() }

// CheckNodePrerequisites says why a real node cannot run here, wrapping
// ErrNodeUnavailable, or returns nil.
func CheckNodePrerequisites() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: kubelet and containerd need root", ErrNodeUnavailable)
	}
	for _, bin := range []string{"containerd", "runc", "ctr"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("%w: %s not installed (hack/build-k8s.sh installs it)", ErrNodeUnavailable, bin)
		}
	}
	if conn, err := net.DialTimeout("unix", pluginapi.KubeletSocket, time.Second); err == nil {
		_ = conn.Close()
		return fmt.Errorf("%w: another kubelet serves %s", ErrNodeUnavailable, pluginapi.KubeletSocket)
	}
	return nil
}

// StartNode starts containerd with the probe and pause images loaded, then a
// kubelet that registers the node, and returns once the node is Ready and
// schedulable.
func (c *Cluster) StartNode(ctx context.Context, opts NodeOptions) (*Node, error) {
	if err := c.lockRealNode(ctx); err != nil {
		return nil, err
	}
	if err := CheckNodePrerequisites(); err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" {
		name = DefaultNodeName
	}
	imagesDir := filepath.Join(c.dir, "images")
	if err := os.MkdirAll(imagesDir, 0o755); err != nil {
		return nil, fmt.Errorf("create images dir: %w", err)
	}
	tars, err := buildImages(ctx, c.paths, imagesDir)
	if err != nil {
		return nil, err
	}
	cd, err := c.startContainerd(ctx)
	if err != nil {
		return nil, err
	}
	for _, tar := range tars {
		if err := cd.importImage(ctx, tar); err != nil {
			return nil, err
		}
	}
	kubelet, err := c.startKubelet(name, cd.socket)
	if err != nil {
		return nil, err
	}
	n := &Node{Name: name, kubelet: kubelet, containerd: cd}
	return n, c.waitNodeSchedulable(ctx, name, kubelet)
}

func (c *Cluster) startKubelet(name, containerdSocket string) (*proc.Process, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	configPath, kubeconfig, err := c.writeKubeletFiles(name, containerdSocket, kubeletPorts{api: ports[0], healthz: ports[1]})
	if err != nil {
		return nil, err
	}
	// Runs after the kubelet has stopped.
	c.onStop("kubelet leftovers", c.removeKubeletLeftovers)
	return c.startProcess("kubelet", c.paths.Kubelet, 15*time.Second,
		"--config="+configPath,
		"--kubeconfig="+kubeconfig,
		"--root-dir="+filepath.Join(c.dir, "kubelet", "root"),
		"--cert-dir="+filepath.Join(c.dir, "kubelet", "pki"),
		"--hostname-override="+name,
		"--v="+strconv.Itoa(1),
	)
}

// removeKubeletLeftovers deletes what the kubelet writes outside its root
// dir: container log links into our dir, the Registration socket and the
// device manager's checkpoint (allocations of pods that no longer exist).
func (c *Cluster) removeKubeletLeftovers() error {
	links, _ := filepath.Glob(filepath.Join(containerLogLinks, "*.log"))
	var errs []error
	for _, link := range links {
		target, err := os.Readlink(link)
		if err == nil && strings.HasPrefix(target, c.dir) {
			errs = append(errs, os.Remove(link))
		}
	}
	for _, file := range []string{pluginapi.KubeletSocket, filepath.Join(pluginapi.DevicePluginPath, "kubelet_internal_checkpoint")} {
		if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// waitNodeSchedulable waits for the node to report Ready and removes the
// not-ready taint that admission put on it and that, without
// kube-controller-manager, nothing else would remove.
func (c *Cluster) waitNodeSchedulable(ctx context.Context, name string, kubelet *proc.Process) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	var last string
	for {
		done, state, err := c.nodeSchedulable(ctx, name)
		if err != nil {
			return err
		}
		if done {
			c.log.Info().Str("node", name).Msg("real node ready")
			return nil
		}
		last = state
		select {
		case <-ctx.Done():
			return fmt.Errorf("node %s not ready (%s): %w\n%s", name, last, ctx.Err(), kubelet.LogTail(40))
		case <-kubelet.Done():
			return fmt.Errorf("kubelet exited: %w\n%s", kubelet.ExitErr(), kubelet.LogTail(40))
		case <-ticker.C:
		}
	}
}

func (c *Cluster) nodeSchedulable(ctx context.Context, name string) (bool, string, error) {
	node, err := c.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, "not registered", nil //nolint:nilerr // keep polling until it registers
	}
	if err := RemoveNotReadyTaint(ctx, c.client, node); err != nil {
		return false, "", err
	}
	for _, cond := range node.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue, cond.Reason + ": " + cond.Message, nil
		}
	}
	return false, "no Ready condition", nil
}
