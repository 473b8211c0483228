package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/testreq"
	"github.com/hami-project/hami/e2e/harness/proc"
)

// StartForTest starts a cluster whose logs go to t and which stops in
// t.Cleanup; on failure the tail of every component's log is printed.
func StartForTest(t testing.TB, opts Options) *Cluster {
	t.Helper()
	if opts.Log == nil {
		log := TestLogger(t)
		opts.Log = &log
	}
	c, err := Start(context.Background(), opts)
	require.NoError(t, err, "start cluster")
	t.Cleanup(func() {
		if t.Failed() {
			c.dumpLogs(t)
		}
		require.NoError(t, c.Stop(), "stop cluster")
	})
	return c
}

// TestLogger writes human-readable lines to t's log.
func TestLogger(t testing.TB) zerolog.Logger {
	return zerolog.New(zerolog.NewConsoleWriter(zerolog.ConsoleTestWriter(t), func(w *zerolog.ConsoleWriter) { w.NoColor = true })).
		With().Timestamp().Logger().Level(zerolog.InfoLevel)
}

// dumpLogs prints the last lines of every component log in the cluster dir.
func (c *Cluster) dumpLogs(t testing.TB) {
	logs, _ := filepath.Glob(filepath.Join(c.dir, "*.log"))
	for _, path := range logs {
		t.Logf("==== %s (last 40 lines) ====\n%s", filepath.Base(path), proc.TailFile(path, 40))
	}
}

// Main runs the suite and then fails it if any process started by a cluster
// of this test binary is still alive (those are killed). Use it as
// `func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }`.
func Main(m *testing.M) int {
	code := m.Run()
	ours := filepath.Join(os.TempDir(), DirPrefix+strconv.Itoa(os.Getpid())+"-")
	left, err := proc.Kill(proc.Mentions(ours))
	if err != nil {
		fmt.Fprintf(os.Stderr, "harness: scanning for leftover processes: %v\n", err)
		return 1
	}
	for _, p := range left {
		fmt.Fprintf(os.Stderr, "harness: leftover process killed: %s\n", p)
	}
	dirs, _ := filepath.Glob(ours + "*")
	for _, d := range dirs {
		fmt.Fprintf(os.Stderr, "harness: leftover cluster dir: %s\n", d)
	}
	if len(left) > 0 || len(dirs) > 0 {
		return 1
	}
	return code
}

// StartNodeForTest starts the real node, skipping the test with the reason
// when this machine cannot run one.
func (c *Cluster) StartNodeForTest(t testing.TB, opts NodeOptions) *Node {
	t.Helper()
	if os.Geteuid() != 0 {
		testreq.Missing(t, "root for the real node (kubelet and containerd)")
	}
	n, err := c.StartNode(context.Background(), opts)
	if errors.Is(err, ErrNodeUnavailable) {
		testreq.Missing(t, err.Error())
	}
	require.NoError(t, err, "start real node")
	return n
}
