package image

import (
	"context"
	"fmt"
	"os"
	"os/exec"
)

// BuildStatic builds a static Go binary (CGO off) of pkg, a package path or
// ./relative directory inside moduleDir, and returns its bytes.
func BuildStatic(ctx context.Context, moduleDir, pkg, out string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if output, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build %s: %w: %s", pkg, err, output)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("read built %s: %w", pkg, err)
	}
	return data, nil
}
