// Package testreq owns what a test does when something it needs (root, a C
// compiler, containerd, a browser) is missing: it skips on a developer's
// machine, and fails in CI (CI=true), where .ci/run installs everything and
// a silent skip would hide a test that never ran.
package testreq

import (
	"os"
	"os/exec"
	"testing"
)

// Missing stops the test for a missing prerequisite: t.Skip normally,
// t.Fatal when CI=true. what names the thing and how to get it.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("missing in CI: %s", what)
	}
	t.Skipf("skipped: missing %s", what)
}

// Command returns the path of an executable on PATH, or stops the test
// through Missing.
func Command(t testing.TB, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" ("+hint+")")
	}
	return p
}

// Root stops the test through Missing unless it runs as root.
func Root(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "root (run the test as root)")
	}
}
