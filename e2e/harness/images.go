package harness

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/hami-project/hami/e2e/harness/image"
)

// Images built from this repository and loaded into the real node. Pods
// that use them run with imagePullPolicy IfNotPresent or Never: there is no
// registry to pull from.
const (
	ProbeImage = "hami.local/probe:e2e"
	PauseImage = "hami.local/pause:e2e"
)

// buildImages compiles probe and pause statically and writes both images as
// docker-archive tars in dir, returning the tar paths.
func buildImages(ctx context.Context, paths Paths, dir string) ([]string, error) {
	specs := []struct {
		ref, pkg, file string
	}{
		{ProbeImage, "./cmd/probe", "probe"},
		{PauseImage, "./cmd/pause", "pause"},
	}
	tars := make([]string, 0, len(specs))
	for _, s := range specs {
		bin, err := image.BuildStatic(ctx, paths.E2EModule, s.pkg, filepath.Join(dir, s.file))
		if err != nil {
			return nil, err
		}
		tar := filepath.Join(dir, s.file+".tar")
		err = image.WriteDockerArchiveFile(tar, image.Image{
			Ref:        s.ref,
			Entrypoint: []string{"/" + s.file},
			Env:        []string{"PATH=/"},
			Files:      []image.File{{Path: s.file, Mode: 0o755, Data: bin}},
		})
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", s.ref, err)
		}
		tars = append(tars, tar)
	}
	return tars, nil
}
