package extender_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/hami-project/hami/common/allocation"
	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// gateBinder holds every Bind until release is closed, like an API server
// round trip that takes a while.
type gateBinder struct {
	entered chan string
	release chan struct{}
}

func (g *gateBinder) Bind(_ context.Context, pod *corev1.Pod, _ string, _ *allocation.Allocation, _ time.Time) error {
	g.entered <- pod.Name
	<-g.release
	return nil
}

// While two binds wait on the API server, a third decision already sees
// their bookings: node-a's two 10000 MiB GPUs hold two 6000 MiB pods, so the
// third is refused at once instead of queueing behind the others' writes.
func TestBindBooksBeforeWritingAndDoesNotWaitForOtherWrites(t *testing.T) {
	t.Parallel()
	p1, p2, p3 := gpuPod("p1", 6000, 30, nil), gpuPod("p2", 6000, 30, nil), gpuPod("p3", 6000, 30, nil)
	f := fleet{}
	inv := devicetest.Node("node-a", 2, 10000)
	f[device.Key(inv.Vendor, inv.Node)] = inv
	st, err := settings.Load("")
	require.NoError(t, err)
	index := usage.NewIndex()
	g := &gateBinder{entered: make(chan string, 3), release: make(chan struct{})}
	s, err := extender.New(extender.Deps{Fleet: fleetAdapter{f}, Settings: st, Index: index, Pods: newPods(p1, p2, p3), Binder: g})
	require.NoError(t, err)
	ctx := context.Background()

	var wg sync.WaitGroup
	for _, pod := range []*corev1.Pod{p1, p2} {
		wg.Go(func() { require.Empty(t, s.Bind(ctx, bindArgs(pod, "node-a")).Error) })
	}
	<-g.entered
	<-g.entered // both writes in flight at once
	require.Equal(t, 2, index.Len())
	require.Contains(t, s.Bind(ctx, bindArgs(p3, "node-a")).Error, "insufficient memory")
	close(g.release)
	wg.Wait()
	require.Equal(t, 2, index.Len())
}
