// Package partition owns the life of the partitions a vendor plugin cuts
// from its devices for pods (NVIDIA MIG devices, Cambricon sMLU instances,
// Hygon vDCUs, Ascend vNPUs, MetaX sGPUs): one is created when the kubelet
// allocates for the pod the scheduler's decision names, remembered in a
// versioned checkpoint, and destroyed once that pod is gone, also across
// plugin restarts. A vendor supplies only how to create and destroy one.
package partition

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/atomicfile"
)

// Driver destroys partitions; the vendor's library behind it.
type Driver interface {
	Destroy(ctx context.Context, in Instance) error
}

// Manager creates and destroys one vendor's partitions on one node.
type Manager struct {
	vendor string
	path   string
	driver Driver
	now    func() time.Time

	// mu serialises creation and destruction (the vendor's library is
	// asked one change at a time, and a create sees every live instance)
	// and guards instances.
	mu        sync.Mutex
	instances []Instance
}

// Option configures a Manager.
type Option func(*Manager)

// WithClock sets the clock instances are stamped with (tests).
func WithClock(now func() time.Time) Option { return func(m *Manager) { m.now = now } }

// NewManager loads the checkpoint at path (empty: memory only).
func NewManager(vendor, path string, d Driver, opts ...Option) (*Manager, error) {
	m := &Manager{vendor: vendor, path: path, driver: d, now: time.Now}
	for _, o := range opts {
		o(m)
	}
	if path == "" {
		return m, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read partition checkpoint %s: %w", path, err)
	}
	c, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("read partition checkpoint %s: %w", path, err)
	}
	if c.Vendor != vendor {
		return nil, fmt.Errorf("partition checkpoint %s belongs to vendor %q, not %q: give each plugin its own --state-dir", path, c.Vendor, vendor)
	}
	m.instances = c.Instances
	return m, nil
}

// Instances returns a copy of the live instances.
func (m *Manager) Instances() []Instance {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.instances)
}

// Create is how a vendor makes one partition. others are the instances
// already live on the node, so that a create can avoid what they hold
// (a Hygon CU mask, an Ascend slot); it runs under the Manager's lock, so
// no other partition is made meanwhile.
type Create func(ctx context.Context, others []Instance) (Instance, error)

// Ensure returns the partition already made for this pod's container on
// device, or makes it with create, checkpoints it and returns it. A kubelet
// that asks again for the same container (it retries a failed start) gets
// the same partition.
func (m *Manager) Ensure(ctx context.Context, pod types.UID, container, device string, create Create) (Instance, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, in := range m.instances {
		if in.Pod == pod && in.Container == container && in.Device == device {
			return in, nil
		}
	}
	in, err := create(ctx, slices.Clone(m.instances))
	if err != nil {
		return Instance{}, err
	}
	in.Pod, in.Container, in.Device, in.Created = pod, container, device, m.now()
	m.instances = append(m.instances, in)
	if err := m.saveLocked(); err != nil {
		// Unknown to the checkpoint, the partition would leak on a
		// restart: undo it now.
		m.instances = m.instances[:len(m.instances)-1]
		return Instance{}, errors.Join(err, m.driver.Destroy(ctx, in))
	}
	zerolog.Ctx(ctx).Info().Str("vendor", m.vendor).Str("device", device).Str("partition", in.ID).
		Str("profile", in.Profile).Str("pod", string(pod)).Str("container", container).Msg("created partition")
	return in, nil
}

// Reconcile destroys the partitions of pods that are not live. live must
// have been listed at listedAt or later: a partition created after
// listedAt is kept whatever live says, since its pod may have been bound
// after the list was taken. A partition that fails to be destroyed is
// kept for the next round.
func (m *Manager) Reconcile(ctx context.Context, live map[types.UID]bool, listedAt time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := m.instances[:0:0]
	var errs []error
	for _, in := range m.instances {
		if live[in.Pod] || !in.Created.Before(listedAt) {
			keep = append(keep, in)
			continue
		}
		if err := m.driver.Destroy(ctx, in); err != nil {
			errs = append(errs, fmt.Errorf("destroy partition %s on %s: %w", in.ID, in.Device, err))
			keep = append(keep, in)
			continue
		}
		zerolog.Ctx(ctx).Info().Str("vendor", m.vendor).Str("device", in.Device).Str("partition", in.ID).
			Str("pod", string(in.Pod)).Msg("destroyed partition of a finished pod")
	}
	if len(keep) == len(m.instances) {
		return errors.Join(errs...)
	}
	m.instances = keep
	return errors.Join(append(errs, m.saveLocked())...)
}

func (m *Manager) saveLocked() error {
	if m.path == "" {
		return nil
	}
	data, err := encode(m.vendor, m.instances)
	if err != nil {
		return err
	}
	return atomicfile.Write(m.path, data, 0o644)
}
