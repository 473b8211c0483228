// Package clibtest builds the C mock libraries that vendor bindings are
// tested against: a mock of a vendor's management library, compiled by the
// test into its temporary directory, lets the real run-time binding (symbol
// names, struct layouts, error codes) run in CI without the vendor's driver.
package clibtest

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hami-project/hami/common/testreq"
)

// BuildShared compiles sources into <t.TempDir()>/<soname> as a shared
// library and returns its path. Warnings are errors, so a mock that drifts
// from the header it implements does not build.
func BuildShared(t testing.TB, soname string, sources ...string) string {
	t.Helper()
	cc := testreq.Command(t, "cc", "a C compiler: apt-get install gcc")
	out := filepath.Join(t.TempDir(), soname)
	args := append([]string{"-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o", out}, sources...)
	cmd := exec.Command(cc, args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", soname, err, msg)
	}
	return out
}
