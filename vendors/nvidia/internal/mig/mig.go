// Package mig owns the MIG instances the plugin creates for pods: it creates
// the GPU instance and compute instance the scheduler chose (profile and
// placement), remembers them in a checkpoint, and destroys those whose pod
// is gone, also after a plugin restart.
package mig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/rs/zerolog"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/atomicfile"
	"github.com/hami-project/hami/common/codec"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
)

// Schema of the checkpoint.
const (
	APIVersionV1 = "mig.nvidia.hami.io/v1"
	Kind         = "MIGInstances"
)

// ErrMIGDisabled means the GPU is not in MIG mode.
var ErrMIGDisabled = errors.New("MIG mode is not enabled on the GPU (enable it with nvidia-smi -i <gpu> -mig 1)")

// Instance is one MIG device made for a container.
type Instance struct {
	GPU       string    `json:"gpu"`
	GI        int       `json:"gi"`
	CI        int       `json:"ci"`
	Profile   string    `json:"profile"`
	Placement int32     `json:"placement"`
	UUID      string    `json:"uuid"`
	Pod       types.UID `json:"pod"`
	Container string    `json:"container"`
}

type checkpoint struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Instances  []Instance `json:"instances"`
}

// Manager creates and destroys MIG instances.
type Manager struct {
	lib  nvml.Interface
	path string

	// mu serialises NVML changes and guards instances.
	mu        sync.Mutex
	instances []Instance
}

// NewManager loads the checkpoint at path (empty: memory only).
func NewManager(lib nvml.Interface, path string) (*Manager, error) {
	m := &Manager{lib: lib, path: path}
	if path == "" {
		return m, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read mig checkpoint %s: %w", path, err)
	}
	c, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("read mig checkpoint %s: %w", path, err)
	}
	m.instances = c.Instances
	return m, nil
}

// decode is lenient: the checkpoint is stored state that outlives upgrades.
func decode(data []byte) (*checkpoint, error) {
	h, err := codec.PeekHeader(data)
	if err != nil {
		return nil, err
	}
	if h.APIVersion != APIVersionV1 || h.Kind != Kind {
		return nil, fmt.Errorf("%s/%s is not supported", h.APIVersion, h.Kind)
	}
	c := &checkpoint{}
	return c, codec.LenientJSON(data, c)
}

// Instances returns a copy of the known instances.
func (m *Manager) Instances() []Instance {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Instance(nil), m.instances...)
}

func (m *Manager) saveLocked() error {
	if m.path == "" {
		return nil
	}
	data, err := json.Marshal(checkpoint{APIVersion: APIVersionV1, Kind: Kind, Instances: m.instances})
	if err != nil {
		return fmt.Errorf("encode mig checkpoint: %w", err)
	}
	return atomicfile.Write(m.path, data, 0o644)
}

// Create makes (or finds, when already made for this container) the MIG
// device of profile at placement on gpu and returns its UUID.
func (m *Manager) Create(ctx context.Context, gpu string, p discovery.Profile, placement int32, pod types.UID, container string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, in := range m.instances {
		if in.Pod == pod && in.Container == container && in.GPU == gpu {
			return in.UUID, nil
		}
	}
	in, err := m.create(gpu, p, placement)
	if err != nil {
		return "", fmt.Errorf("create MIG %s at slice %d on %s: %w", p.Name, placement, gpu, err)
	}
	in.Pod, in.Container = pod, container
	m.instances = append(m.instances, in)
	zerolog.Ctx(ctx).Info().Str("gpu", gpu).Str("profile", p.Name).Str("mig", in.UUID).Msg("created MIG device")
	return in.UUID, m.saveLocked()
}

// Reconcile destroys the instances of pods not in live.
func (m *Manager) Reconcile(ctx context.Context, live map[types.UID]bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keep []Instance
	var errs []error
	for _, in := range m.instances {
		if live[in.Pod] {
			keep = append(keep, in)
			continue
		}
		if err := m.destroy(in); err != nil {
			errs = append(errs, err)
			keep = append(keep, in)
			continue
		}
		zerolog.Ctx(ctx).Info().Str("gpu", in.GPU).Str("mig", in.UUID).Msg("destroyed MIG device of a finished pod")
	}
	m.instances = keep
	return errors.Join(append(errs, m.saveLocked())...)
}
