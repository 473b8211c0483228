package partition_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/partition"
)

// driver is a fake vendor library: it remembers what exists.
type driver struct {
	mu        sync.Mutex
	live      map[string]bool
	next      int
	failNext  bool
	destroyed []string
}

func newDriver() *driver { return &driver{live: map[string]bool{}} }

func (d *driver) create(profile string) partition.Create {
	return func(context.Context, []partition.Instance) (partition.Instance, error) {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.next++
		id := "part-" + strconv.Itoa(d.next)
		d.live[id] = true
		return partition.Instance{ID: id, Profile: profile}, nil
	}
}

func (d *driver) Destroy(_ context.Context, in partition.Instance) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failNext {
		d.failNext = false
		return errors.New("device busy")
	}
	delete(d.live, in.ID)
	d.destroyed = append(d.destroyed, in.ID)
	return nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestEnsureIsIdempotentPerContainerAndDevice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDriver()
	m, err := partition.NewManager("cambricon", "", d)
	require.NoError(t, err)
	a, err := m.Ensure(ctx, "pod-a", "main", "MLU-0", d.create("1c.4g"))
	require.NoError(t, err)
	again, err := m.Ensure(ctx, "pod-a", "main", "MLU-0", d.create("1c.4g"))
	require.NoError(t, err)
	require.Equal(t, a, again, "a retried allocation gets the same partition")
	b, err := m.Ensure(ctx, "pod-b", "main", "MLU-0", func(_ context.Context, others []partition.Instance) (partition.Instance, error) {
		require.Len(t, others, 1, "a create sees the partitions already live")
		return d.create("1c.4g")(ctx, others)
	})
	require.NoError(t, err)
	require.NotEqual(t, a.ID, b.ID)
	require.Equal(t, types.UID("pod-b"), b.Pod)
	require.Equal(t, "MLU-0", b.Device)
	require.Len(t, m.Instances(), 2)
}

func TestReconcileDestroysOnlyFinishedPodsListedAfterCreation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Unix(1000, 0)}
	d := newDriver()
	path := filepath.Join(t.TempDir(), "partitions.json")
	m, err := partition.NewManager("hygon", path, d, partition.WithClock(clk.now))
	require.NoError(t, err)
	_, err = m.Ensure(ctx, "gone", "c", "DCU-0", d.create("p"))
	require.NoError(t, err)
	_, err = m.Ensure(ctx, "running", "c", "DCU-0", d.create("p"))
	require.NoError(t, err)

	// The list is taken, then a pod binds and gets its partition before
	// the reconcile runs: the list cannot know it, and it must survive.
	clk.add(time.Second)
	listedAt := clk.now()
	clk.add(time.Second)
	fresh, err := m.Ensure(ctx, "fresh", "c", "DCU-1", d.create("p"))
	require.NoError(t, err)

	live := map[types.UID]bool{"running": true}
	require.NoError(t, m.Reconcile(ctx, live, listedAt))
	require.Equal(t, []string{"part-1"}, d.destroyed)
	require.Len(t, m.Instances(), 2)
	require.True(t, d.live[fresh.ID])

	// A later list that does not hold it either: now it goes.
	clk.add(time.Second)
	require.NoError(t, m.Reconcile(ctx, live, clk.now()))
	require.Equal(t, []string{"part-1", "part-3"}, d.destroyed)

	// The checkpoint says the same after a restart.
	again, err := partition.NewManager("hygon", path, d)
	require.NoError(t, err)
	require.Len(t, again.Instances(), 1)
	require.Equal(t, types.UID("running"), again.Instances()[0].Pod)
}

func TestReconcileKeepsWhatFailsToBeDestroyed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &clock{t: time.Unix(1000, 0)}
	d := newDriver()
	m, err := partition.NewManager("metax", "", d, partition.WithClock(clk.now))
	require.NoError(t, err)
	_, err = m.Ensure(ctx, "gone", "c", "GPU-0", d.create("p"))
	require.NoError(t, err)
	clk.add(time.Second)
	d.failNext = true
	require.ErrorContains(t, m.Reconcile(ctx, nil, clk.now()), "device busy")
	require.Len(t, m.Instances(), 1, "kept for the next round")
	require.NoError(t, m.Reconcile(ctx, nil, clk.now()))
	require.Empty(t, m.Instances())
}

func TestCheckpointFailureUndoesTheCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "state")
	d := newDriver()
	m, err := partition.NewManager("ascend", filepath.Join(blocker, "partitions.json"), d)
	require.NoError(t, err)
	// The state directory turns out unwritable (here: a file in its place).
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))
	_, err = m.Ensure(ctx, "p", "c", "NPU-0", d.create("vir02"))
	require.Error(t, err)
	require.Empty(t, m.Instances())
	require.Empty(t, d.live, "a partition the checkpoint cannot remember is destroyed at once")
}

func TestCheckpointOfAnotherVendorIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "partitions.json")
	d := newDriver()
	m, err := partition.NewManager("nvidia", path, d)
	require.NoError(t, err)
	_, err = m.Ensure(ctx, "p", "c", "GPU-0", d.create("1g.10gb"))
	require.NoError(t, err)
	_, err = partition.NewManager("cambricon", path, d)
	require.ErrorContains(t, err, "own --state-dir")
}

type pods struct {
	mu   sync.Mutex
	live map[types.UID]bool
}

func (p *pods) Live(context.Context) (map[types.UID]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.live, nil
}

func TestRunReconcilesAtStart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := newDriver()
	path := filepath.Join(t.TempDir(), "partitions.json")
	m, err := partition.NewManager("cambricon", path, d)
	require.NoError(t, err)
	_, err = m.Ensure(ctx, "gone", "c", "MLU-0", d.create("p"))
	require.NoError(t, err)
	// The plugin restarts while the pod is gone.
	restarted, err := partition.NewManager("cambricon", path, d)
	require.NoError(t, err)
	go restarted.Run(ctx, &pods{}, time.Hour)
	require.Eventually(t, func() bool { return len(restarted.Instances()) == 0 }, 5*time.Second, 5*time.Millisecond)
}
