package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Pinned versions; hack/build-k8s.sh builds the same.
const (
	KubernetesVersion = "v1.37.2"
	EtcdVersion       = "v3.6.16"
)

// ErrNotBuilt says the control-plane binaries are missing from the cache.
var ErrNotBuilt = errors.New("kubernetes binaries not built: run hack/build-k8s.sh (make e2e does)")

// Paths locates the repository and the cached binaries.
type Paths struct {
	Root          string // repository root (holds go.work)
	E2EModule     string // the e2e module, where probe and pause are built from
	KubeAPIServer string
	KubeScheduler string
	Kubelet       string
	Etcd          string
}

// FindPaths walks up from the working directory to the repository root
// (HAMI_ROOT overrides) and checks that the binaries are built.
func FindPaths() (Paths, error) {
	root := os.Getenv("HAMI_ROOT")
	if root == "" {
		var err error
		if root, err = findRoot(); err != nil {
			return Paths{}, err
		}
	}
	cache := os.Getenv("HAMI_CACHE")
	if cache == "" {
		cache = filepath.Join(root, ".cache")
	}
	k8s := filepath.Join(cache, "k8s", KubernetesVersion, "bin")
	p := Paths{
		Root:          root,
		E2EModule:     filepath.Join(root, "e2e"),
		KubeAPIServer: filepath.Join(k8s, "kube-apiserver"),
		KubeScheduler: filepath.Join(k8s, "kube-scheduler"),
		Kubelet:       filepath.Join(k8s, "kubelet"),
		Etcd:          filepath.Join(cache, "etcd", EtcdVersion, "bin", "etcd"),
	}
	for _, bin := range []string{p.KubeAPIServer, p.KubeScheduler, p.Kubelet, p.Etcd} {
		if _, err := os.Stat(bin); err != nil {
			return Paths{}, fmt.Errorf("%w: %s", ErrNotBuilt, bin)
		}
	}
	return p, nil
}

func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("getwd: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (go.work) not found above the working directory; set HAMI_ROOT")
		}
		dir = parent
	}
}
