package wait_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/internal/wait"
)

func TestSleep(t *testing.T) {
	t.Parallel()
	require.True(t, wait.Sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	require.False(t, wait.Sleep(ctx, time.Hour), "an ended context cuts the wait short")
	require.Less(t, time.Since(start), time.Minute)
}
