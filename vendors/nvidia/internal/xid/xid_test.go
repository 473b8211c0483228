package xid_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/health"
	"github.com/hami-project/hami/vendors/nvidia/internal/discovery"
	"github.com/hami-project/hami/vendors/nvidia/internal/fake"
	"github.com/hami-project/hami/vendors/nvidia/internal/xid"
)

func TestXIDEvents(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		xid     uint64
		healthy bool
	}{
		"application error 13 is ignored":  {xid: 13, healthy: true},
		"application error 109 is ignored": {xid: 109, healthy: true},
		"fallen off the bus (79) is lost":  {xid: 79, healthy: false},
		"uncorrectable ECC (48) is lost":   {xid: 48, healthy: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := fake.New(fake.ForSystem("dgxh100", "n"))
			require.NoError(t, err)
			gpus, err := discovery.Discover(s)
			require.NoError(t, err)
			tr := health.NewTracker()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- tr.Run(ctx, xid.Watch(s, gpus, xid.DefaultIgnored)) }()
			s.InjectXID(2, tc.xid)
			s.InjectXID(3, 79) // a marker: once GPU 3 is unhealthy, GPU 2's event was handled
			select {
			case <-tr.Changes():
			case <-time.After(5 * time.Second):
				t.Fatal("no health change")
			}
			require.Eventually(t, func() bool { return !tr.Healthy(gpus[3].UUID) }, 5*time.Second, 10*time.Millisecond)
			require.Equal(t, "XID 79", tr.Reason(gpus[3].UUID))
			require.Equal(t, tc.healthy, tr.Healthy(gpus[2].UUID))
			require.True(t, tr.Healthy(gpus[0].UUID))
			cancel()
			require.NoError(t, <-done)
		})
	}
}
