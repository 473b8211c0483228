// Package limiter owns the host side of an in-container limiter library
// (an LD_PRELOAD library such as hami-core's libvgpu.so, or a soft-split
// library of another vendor): installing a version beside the older ones
// and repointing the "current" link atomically, so that an upgrade never
// changes the file under a running container; the trusted limits file the
// plugin writes and mounts read-only (limits.go); and the reader of the
// shared accounting region the library keeps per container (region.go).
package limiter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hami-project/hami/common/atomicfile"
)

// File names inside the install directory.
const (
	CurrentLink = "current"
	PreloadName = "ld.so.preload"
)

// ErrNotInstalled means the library has not been installed on this node.
var ErrNotInstalled = errors.New("limiter library is not installed (run the plugin's install-limiter step)")

// Library says which library is installed and where containers see it.
type Library struct {
	// Name is the file name, e.g. libvgpu.so.
	Name string
	// ContainerDir is the directory it is mounted into in containers; the
	// preload file names ContainerDir/Name.
	ContainerDir string
}

// ContainerPath is where containers see the library.
func (l Library) ContainerPath() string { return filepath.Join(l.ContainerDir, l.Name) }

// Installed is one installed version.
type Installed struct {
	Version string
	Library string // host path of the library
	Preload string // host path of the ld.so.preload file naming it
}

// Current resolves the version new containers get.
func (l Library) Current(dir string) (Installed, error) {
	target, err := os.Readlink(filepath.Join(dir, CurrentLink))
	if errors.Is(err, os.ErrNotExist) {
		return Installed{}, fmt.Errorf("%s in %s: %w", l.Name, dir, ErrNotInstalled)
	}
	if err != nil {
		return Installed{}, fmt.Errorf("read %s: %w", filepath.Join(dir, CurrentLink), err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	in := l.at(target)
	if _, err := os.Stat(in.Library); err != nil {
		return Installed{}, fmt.Errorf("limiter version %s: %w", in.Version, err)
	}
	return in, nil
}

func (l Library) at(vdir string) Installed {
	return Installed{Version: filepath.Base(vdir), Library: filepath.Join(vdir, l.Name), Preload: filepath.Join(vdir, PreloadName)}
}

// Install copies the library at from into <dir>/<version>/ (with its
// ld.so.preload file) and then points <dir>/current at it. Each step is
// atomic, so a reader sees either the old or the new version. Installing a
// version that exists replaces its files the same way.
func (l Library) Install(from, dir, version string) (Installed, error) {
	if version == "" || strings.ContainsAny(version, "/\\") || version == CurrentLink || strings.HasPrefix(version, ".") {
		return Installed{}, fmt.Errorf("install %s: bad version %q: use a release such as 1.2.0", l.Name, version)
	}
	in := l.at(filepath.Join(dir, version))
	if err := atomicfile.Copy(from, in.Library, 0o755); err != nil {
		return Installed{}, fmt.Errorf("install %s: %w", l.Name, err)
	}
	if err := atomicfile.Write(in.Preload, []byte(l.ContainerPath()+"\n"), 0o644); err != nil {
		return Installed{}, fmt.Errorf("install %s: %w", l.Name, err)
	}
	if err := relink(dir, version); err != nil {
		return Installed{}, fmt.Errorf("install %s: %w", l.Name, err)
	}
	return in, nil
}

func relink(dir, version string) error {
	tmp := filepath.Join(dir, "."+CurrentLink+".tmp")
	_ = os.Remove(tmp)
	if err := os.Symlink(version, tmp); err != nil {
		return fmt.Errorf("link %s: %w", version, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, CurrentLink)); err != nil {
		return fmt.Errorf("repoint %s: %w", CurrentLink, err)
	}
	return nil
}
