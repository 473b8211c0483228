// Package image builds container images from the project's own Go code
// without any registry: static binaries packed into one layer and written as
// a docker-archive tar, the format `ctr images import` loads.
package image

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

// File is one regular file in an image's only layer.
type File struct {
	Path string // inside the image, without leading slash, e.g. "probe"
	Mode int64
	Data []byte
}

// Image is a single-layer image.
type Image struct {
	Ref        string // e.g. "hami.local/probe:e2e"
	Entrypoint []string
	Env        []string
	Files      []File
}

// imageConfig is the subset of the OCI/Docker image config that runtimes read.
type imageConfig struct {
	Architecture string       `json:"architecture"`
	OS           string       `json:"os"`
	Created      time.Time    `json:"created"`
	Config       runConfig    `json:"config"`
	RootFS       rootFS       `json:"rootfs"`
	History      []historyRow `json:"history"`
}

type runConfig struct {
	Entrypoint []string `json:"Entrypoint,omitempty"`
	Env        []string `json:"Env,omitempty"`
	WorkingDir string   `json:"WorkingDir,omitempty"`
}

type rootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

type historyRow struct {
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
}

// manifestEntry is one element of a docker-archive's manifest.json.
type manifestEntry struct {
	Config   string   `json:"Config"`
	RepoTags []string `json:"RepoTags"`
	Layers   []string `json:"Layers"`
}

// WriteDockerArchive writes img as a docker-archive tar to w.
func WriteDockerArchive(w io.Writer, img Image) error {
	layer, err := layerTar(img.Files)
	if err != nil {
		return err
	}
	layerSum := sha256.Sum256(layer)
	layerHex := hex.EncodeToString(layerSum[:])
	created := time.Unix(0, 0).UTC()
	cfg, err := json.Marshal(imageConfig{
		Architecture: runtime.GOARCH,
		OS:           "linux",
		Created:      created,
		Config:       runConfig{Entrypoint: img.Entrypoint, Env: img.Env, WorkingDir: "/"},
		RootFS:       rootFS{Type: "layers", DiffIDs: []string{"sha256:" + layerHex}},
		History:      []historyRow{{Created: created, CreatedBy: "hami e2e harness"}},
	})
	if err != nil {
		return fmt.Errorf("marshal image config: %w", err)
	}
	cfgSum := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(cfgSum[:]) + ".json"
	layerName := layerHex + "/layer.tar"
	manifest, err := json.Marshal([]manifestEntry{{Config: cfgName, RepoTags: []string{img.Ref}, Layers: []string{layerName}}})
	if err != nil {
		return fmt.Errorf("marshal manifest: %w", err)
	}
	tw := tar.NewWriter(w)
	for _, f := range []File{
		{Path: layerName, Mode: 0o644, Data: layer},
		{Path: cfgName, Mode: 0o644, Data: cfg},
		{Path: "manifest.json", Mode: 0o644, Data: manifest},
	} {
		if err := writeFile(tw, f); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("close archive: %w", err)
	}
	return nil
}

// WriteDockerArchiveFile writes img to path.
func WriteDockerArchiveFile(path string, img Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := WriteDockerArchive(f, img); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// layerTar packs files, plus the few directories runtimes expect, into an
// uncompressed tar whose sha256 is the layer's diff id.
func layerTar(files []File) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, dir := range []string{"dev/", "etc/", "proc/", "sys/", "tmp/"} {
		hdr := &tar.Header{Typeflag: tar.TypeDir, Name: dir, Mode: 0o755, ModTime: time.Unix(0, 0)}
		if dir == "tmp/" {
			hdr.Mode = 0o1777
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("write layer dir %s: %w", dir, err)
		}
	}
	for _, f := range files {
		if err := writeFile(tw, f); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("close layer: %w", err)
	}
	return buf.Bytes(), nil
}

func writeFile(tw *tar.Writer, f File) error {
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     f.Path,
		Mode:     f.Mode,
		Size:     int64(len(f.Data)),
		ModTime:  time.Unix(0, 0),
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write header %s: %w", f.Path, err)
	}
	if _, err := tw.Write(f.Data); err != nil {
		return fmt.Errorf("write %s: %w", f.Path, err)
	}
	return nil
}
