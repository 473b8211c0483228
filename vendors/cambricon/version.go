// Package cambricon is the Cambricon MLU vendor module. Version is the module's
// release, read from VERSION.
package cambricon

import (
	_ "embed"
	"strings"
)

//go:embed VERSION
var version string

// Version is this module's version.
func Version() string { return strings.TrimSpace(version) }
