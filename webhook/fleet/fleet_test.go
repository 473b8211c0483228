package fleet_test

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device/devicetest"
	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/natsembed/natsembedtest"
	"github.com/hami-project/hami/webhook/fleet"
)

// TestFleetFollowsTheWatcher runs a real NATS server, publishes inventories
// as a plugin does, and checks the webhook's view follows them.
func TestFleetFollowsTheWatcher(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = zerolog.New(zerolog.NewTestWriter(t)).WithContext(ctx)

	js := natsembedtest.Connect(t, natsembedtest.Start(t).ClientURL())

	w, err := inventory.NewWatcher(js)
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	go func() { _ = w.Run(runCtx); done <- struct{}{} }()
	require.NoError(t, w.WaitSynced(ctx))

	f := fleet.New(w, time.Hour) // events alone must keep it current
	go func() { _ = f.Run(runCtx); done <- struct{}{} }()
	t.Cleanup(func() { stop(); <-done; <-done })
	_, ok := f.Summary().Largest("nvidia")
	require.False(t, ok, "no inventory yet")

	publish := func(name string, memMiB int64) *inventory.Publisher {
		pub, err := inventory.NewPublisher(js)
		require.NoError(t, err)
		require.NoError(t, pub.Publish(ctx, devicetest.Node(name, 2, memMiB)))
		return pub
	}
	publish("small", 24576)
	big := publish("big", 81559)

	require.Eventually(t, func() bool {
		v, ok := f.Summary().Largest("nvidia")
		return ok && v == 81559
	}, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, []string{"NVIDIA H100 80GB HBM3"}, f.Summary().Models["nvidia"])

	require.NoError(t, big.Delete(ctx))
	require.Eventually(t, func() bool {
		v, ok := f.Summary().Largest("nvidia")
		return ok && v == 24576
	}, 5*time.Second, 10*time.Millisecond, "the big node left")
}
