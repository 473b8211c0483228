package health_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/health"
)

func TestTrackerSignalsOnlyChanges(t *testing.T) {
	t.Parallel()
	tr := health.NewTracker()
	require.True(t, tr.Healthy("a"))
	tr.Set("a", true, "")
	select {
	case <-tr.Changes():
		t.Fatal("a healthy device reported healthy is no change")
	default:
	}
	tr.Set("a", false, "xid 79")
	<-tr.Changes()
	require.False(t, tr.Healthy("a"))
	require.Equal(t, "xid 79", tr.Reason("a"))
	tr.Set("a", false, "xid 79 again")
	select {
	case <-tr.Changes():
		t.Fatal("still unhealthy is no change")
	default:
	}
	tr.Set("a", true, "")
	<-tr.Changes()
	require.True(t, tr.Healthy("a"))
	require.True(t, tr.Healthy("b"))
}

func TestPollReportsAndSurvivesFailedReads(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	read := func(context.Context) (map[string]health.State, error) {
		switch calls.Add(1) {
		case 1:
			return map[string]health.State{"a": {Healthy: false, Reason: "ecc"}}, nil
		case 2:
			return nil, errors.New("library busy")
		default:
			return map[string]health.State{"a": {Healthy: true}}, nil
		}
	}
	tr := health.NewTracker()
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, health.Poll(time.Millisecond, read)) }()
	<-tr.Changes() // unhealthy
	require.Eventually(t, func() bool { return tr.Healthy("a") && calls.Load() >= 3 }, 5*time.Second, time.Millisecond)
	cancel()
	require.NoError(t, <-done)
}
