package demo_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chromium runs Debian's headless Chromium on url with extra flags. The
// virtual time budget lets the page's fetch and render finish before the
// DOM or the screenshot is taken.
func chromium(ctx context.Context, t *testing.T, url string, flags ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (Debian package chromium); .ci/run installs it")
	}
	profile := t.TempDir()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--virtual-time-budget=8000", "--window-size=1400,1100",
	}, flags...)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(args, url)...).Output()
	require.NoError(t, err, "chromium %v", flags)
	return out
}

// screenshotDir is git-ignored; the README's picture is copied from here.
func screenshotDir(t *testing.T) string {
	dir := filepath.Join(repoRoot(t), "e2e", ".artifacts")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}
