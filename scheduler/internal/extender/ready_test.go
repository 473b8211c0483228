package extender_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/scheduler/internal/extender"
	"github.com/hami-project/hami/scheduler/internal/settings"
	"github.com/hami-project/hami/scheduler/internal/usage"
)

// A scheduler that has not synced its pod index yet would see every device
// idle: filter and bind must refuse with an error (which kube-scheduler
// retries after its backoff) rather than place on an empty index.
func TestNotReadyRefusesFilterAndBind(t *testing.T) {
	t.Parallel()
	pod := gpuPod("p", 1000, 10, nil)
	f := fleet{}
	inv := devicetest.Node("node-a", 2, 10000)
	f[device.Key(inv.Vendor, inv.Node)] = inv
	st, err := settings.Load("")
	require.NoError(t, err)
	notReady := errors.New("pod informer not synced")
	b := newBinder()
	index := usage.NewIndex()
	s, err := extender.New(extender.Deps{
		Fleet: fleetAdapter{f}, Settings: st, Index: index, Pods: newPods(pod), Binder: b,
		Ready: func() error { return notReady },
	})
	require.NoError(t, err)
	ctx := context.Background()

	res := s.Filter(ctx, args(pod, "node-a"))
	require.Contains(t, res.Error, "not ready: pod informer not synced")
	require.Contains(t, s.Bind(ctx, bindArgs(pod, "node-a")).Error, "not ready")
	require.Empty(t, b.bound)
	require.Equal(t, 0, index.Len())

	notReady = nil
	res = s.Filter(ctx, args(pod, "node-a"))
	require.Empty(t, res.Error)
	require.Equal(t, []string{"node-a"}, *res.NodeNames)
	require.Empty(t, s.Bind(ctx, bindArgs(pod, "node-a")).Error)
}
