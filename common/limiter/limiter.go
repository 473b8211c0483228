// Package limiter owns the host copy of libvgpu.so: installing a version
// beside the older ones and repointing the "current" link atomically, and
// resolving "current" to the versioned path that Allocate mounts, so that an
// upgrade never changes the file under a running container.
package limiter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// File names inside the install directory.
const (
	CurrentLink = "current"
	LibraryName = "libvgpu.so"
	PreloadName = "ld.so.preload"
	// ContainerLibrary is where the library is mounted in containers and
	// what ld.so.preload names.
	ContainerLibrary = "/usr/local/vgpu/libvgpu.so"
)

// ErrNotInstalled means install-limiter has not run on this node.
var ErrNotInstalled = errors.New("libvgpu.so is not installed (run hami-nvidia-plugin install-limiter)")

// Installed is one installed version.
type Installed struct {
	Version string
	Library string // host path of libvgpu.so
	Preload string // host path of the ld.so.preload file
}

// Current resolves the version new containers get.
func Current(dir string) (Installed, error) {
	target, err := os.Readlink(filepath.Join(dir, CurrentLink))
	if errors.Is(err, os.ErrNotExist) {
		return Installed{}, fmt.Errorf("%s: %w", dir, ErrNotInstalled)
	}
	if err != nil {
		return Installed{}, fmt.Errorf("read %s: %w", filepath.Join(dir, CurrentLink), err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	in := Installed{Version: filepath.Base(target), Library: filepath.Join(target, LibraryName), Preload: filepath.Join(target, PreloadName)}
	if _, err := os.Stat(in.Library); err != nil {
		return Installed{}, fmt.Errorf("limiter version %s: %w", in.Version, err)
	}
	return in, nil
}

// Install copies the library at from into <dir>/<version>/ (with its
// ld.so.preload file) and then points <dir>/current at it. Each step is
// atomic (temp + rename), so a reader sees either the old or the new version.
// Installing a version that exists replaces its files the same way.
func Install(from, dir, version string) (Installed, error) {
	if version == "" || strings.ContainsAny(version, "/\\") || version == CurrentLink || strings.HasPrefix(version, ".") {
		return Installed{}, fmt.Errorf("install limiter: bad version %q", version)
	}
	vdir := filepath.Join(dir, version)
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return Installed{}, fmt.Errorf("install limiter: %w", err)
	}
	in := Installed{Version: version, Library: filepath.Join(vdir, LibraryName), Preload: filepath.Join(vdir, PreloadName)}
	if err := copyAtomic(from, in.Library, 0o755); err != nil {
		return Installed{}, fmt.Errorf("install limiter: %w", err)
	}
	if err := writeAtomic(in.Preload, []byte(ContainerLibrary+"\n"), 0o644); err != nil {
		return Installed{}, fmt.Errorf("install limiter: %w", err)
	}
	if err := relink(dir, version); err != nil {
		return Installed{}, fmt.Errorf("install limiter: %w", err)
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

func copyAtomic(from, to string, mode os.FileMode) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("read %s: %w", from, err)
	}
	return writeAtomic(to, data, mode)
}

func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	f, err := os.Open(tmp)
	if err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	return nil
}
