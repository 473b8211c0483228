// Package nvidia is the NVIDIA vendor module: device plugin, MIG, health,
// limiter installation and node monitor for NVIDIA GPUs. Version is the
// module's release, read from VERSION.
package nvidia

import (
	_ "embed"
	"strings"
)

//go:embed VERSION
var version string

// Version is this module's version.
func Version() string { return strings.TrimSpace(version) }
