package gpunode

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hami-project/hami/common/limiter"
	"github.com/hami-project/hami/common/plugin"
)

// limitsFor is the container's trusted limits. The policy is the
// operator's (the node's configuration, then --core-policy), never the
// pod's: libvgpu reads the tenant's GPU_CORE_UTILIZATION_POLICY itself and
// lets it tighten, and loosen only when allow_disable says so.
func (n *Node) limitsFor(p *plugin.Pending) limiter.Limits {
	cfg := n.opts.Config
	l := limiter.Limits{
		Policy:        limiter.Policy(n.opts.CorePolicy),
		AllowDisable:  n.opts.AllowTenantDisable,
		Oversubscribe: cfg.DeviceMemoryScaling > 1,
		Region:        ContainerRegion,
	}
	if l.Policy == "" {
		l.Policy = limiter.PolicyDefault
	}
	if cfg.DisableCoreLimit {
		l.Policy = limiter.PolicyDisable
	}
	for i, d := range p.Devices {
		if i >= limiter.MaxDevices {
			break
		}
		if d.MemoryMiB > 0 {
			l.Memory[i] = uint64(d.MemoryMiB) << 20
		}
		if !cfg.DisableCoreLimit && d.Cores > 0 && d.Cores < 100 {
			l.Core[i] = int(d.Cores)
		}
	}
	return l
}

// hamiEnv sets HAMi's variables from the limits, for tools that read them
// (libvgpu itself reads the file).
func hamiEnv(env map[string]string, l *limiter.Limits) {
	env[EnvSharedCache] = ContainerRegion
	for i := range limiter.MaxDevices {
		if l.Memory[i] > 0 {
			env[EnvMemoryLimit+strconv.Itoa(i)] = strconv.FormatUint(l.Memory[i]>>20, 10) + "m"
		}
		if l.Core[i] > 0 {
			env[EnvSMLimit+"_"+strconv.Itoa(i)] = strconv.Itoa(l.Core[i])
		}
	}
	if l.Core[0] > 0 {
		env[EnvSMLimit] = strconv.Itoa(l.Core[0])
	}
	if l.Oversubscribe {
		env[EnvOversubscribe] = "true"
	}
}

// makeRegionDir creates a container's region directory 1777, whatever the
// umask: the container's processes run as any uid and libvgpu creates the
// region file in it (sticky, so no user removes another's file).
func makeRegionDir(dir string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("create region root: %w", err)
	}
	if err := os.Mkdir(dir, 0o777); err != nil && !os.IsExist(err) { //nolint:gosec // see above
		return "", fmt.Errorf("create region directory: %w", err)
	}
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil { //nolint:gosec // see above
		return "", fmt.Errorf("open region directory to the container's users: %w", err)
	}
	return dir, nil
}
