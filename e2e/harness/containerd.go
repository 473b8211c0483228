package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/hami-project/hami/e2e/harness/proc"
)

// containerd is the real node's container runtime, private to one cluster:
// its root, state, sockets and runc state all live under the cluster dir.
type containerd struct {
	dir         string
	socket      string
	snapshotter string
	proc        *proc.Process
}

// containerdConfig follows DESIGN 7.4: CRI with restrict_oom_score_adj (the
// machine may not let us lower OOM scores), cgroupfs, our own sandbox image.
// The CNI config names a plugin that does not exist: it only makes the
// runtime report its network ready; pods must use hostNetwork.
var containerdConfig = template.Must(template.New("containerd").Parse(`version = 2
root = "{{.Dir}}/root"
state = "{{.Dir}}/state"
[grpc]
  address = "{{.Socket}}"
[ttrpc]
  address = "{{.Socket}}.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "{{.Dir}}/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "{{.SandboxImage}}"
    restrict_oom_score_adj = true
    disable_apparmor = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "{{.Snapshotter}}"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = "{{.Dir}}/runc"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "{{.Dir}}/cni/bin"
      conf_dir = "{{.Dir}}/cni/net.d"
`))

const hostNetworkOnlyCNI = `{"cniVersion": "0.4.0", "name": "hami-host-network-only", "plugins": [{"type": "hami-host-network-only"}]}`

func (c *Cluster) startContainerd(ctx context.Context) (*containerd, error) {
	cd := &containerd{dir: filepath.Join(c.dir, "containerd"), snapshotter: os.Getenv("HAMI_E2E_SNAPSHOTTER")}
	cd.socket = filepath.Join(cd.dir, "containerd.sock")
	if cd.snapshotter == "" {
		cd.snapshotter = "overlayfs"
	}
	configPath, err := cd.writeConfig()
	if err != nil {
		return nil, err
	}
	p, err := proc.Start(proc.Spec{
		Name:    "containerd",
		Path:    "containerd",
		Args:    []string{"--config", configPath, "--log-level", "warn"},
		LogPath: filepath.Join(c.dir, "containerd.log"),
	})
	if err != nil {
		return nil, err
	}
	cd.proc = p
	c.onStop("containerd", cd.stop)
	c.log.Info().Str("component", "containerd").Int("pid", p.Pid()).Msg("started")
	return cd, cd.waitReady(ctx)
}

func (cd *containerd) writeConfig() (string, error) {
	netDir := filepath.Join(cd.dir, "cni", "net.d")
	if err := os.MkdirAll(netDir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", netDir, err)
	}
	if err := os.WriteFile(filepath.Join(netDir, "10-hami.conflist"), []byte(hostNetworkOnlyCNI), 0o644); err != nil {
		return "", fmt.Errorf("write cni config: %w", err)
	}
	var b strings.Builder
	err := containerdConfig.Execute(&b, map[string]string{
		"Dir": cd.dir, "Socket": cd.socket, "SandboxImage": PauseImage, "Snapshotter": cd.snapshotter,
	})
	if err != nil {
		return "", fmt.Errorf("render containerd config: %w", err)
	}
	path := filepath.Join(cd.dir, "config.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("write containerd config: %w", err)
	}
	return path, nil
}

func (cd *containerd) waitReady(ctx context.Context) error {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		if _, err := cd.ctr(ctx, "version"); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("containerd not ready: %w\n%s", ctx.Err(), cd.proc.LogTail(30))
		case <-cd.proc.Done():
			return fmt.Errorf("containerd exited: %w\n%s", cd.proc.ExitErr(), cd.proc.LogTail(30))
		case <-ticker.C:
		}
	}
}

// importImage loads a docker-archive tar into the CRI namespace.
func (cd *containerd) importImage(ctx context.Context, tar string) error {
	_, err := cd.ctr(ctx, "images", "import", "--snapshotter", cd.snapshotter, tar)
	return err
}

// ctr runs containerd's CLI against this containerd, in the CRI namespace.
func (cd *containerd) ctr(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	full := append([]string{"--address", cd.socket, "--namespace", "k8s.io"}, args...)
	out, err := exec.CommandContext(ctx, "ctr", full...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ctr %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// stop kills every container task first, so the shims exit and release
// their mounts and cgroups, then stops containerd.
func (cd *containerd) stop() error {
	ctx := context.Background()
	if out, err := cd.ctr(ctx, "tasks", "list", "--quiet"); err == nil {
		for _, id := range strings.Fields(out) {
			_, _ = cd.ctr(ctx, "tasks", "kill", "--signal", "SIGKILL", id)
			_, _ = cd.ctr(ctx, "tasks", "delete", "--force", id)
		}
	}
	return cd.proc.Stop(10 * time.Second)
}
