package image

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHarnessImageDockerArchive(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := WriteDockerArchive(&buf, Image{
		Ref:        "hami.local/probe:e2e",
		Entrypoint: []string{"/probe"},
		Files:      []File{{Path: "probe", Mode: 0o755, Data: []byte("#!binary")}},
	})
	require.NoError(t, err)

	entries := readTar(t, buf.Bytes())
	var manifest []manifestEntry
	require.NoError(t, json.Unmarshal(entries["manifest.json"], &manifest))
	require.Len(t, manifest, 1)
	require.Equal(t, []string{"hami.local/probe:e2e"}, manifest[0].RepoTags)

	var cfg imageConfig
	require.NoError(t, json.Unmarshal(entries[manifest[0].Config], &cfg))
	require.Equal(t, []string{"/probe"}, cfg.Config.Entrypoint)

	layer := entries[manifest[0].Layers[0]]
	sum := sha256.Sum256(layer)
	require.Equal(t, []string{"sha256:" + hex.EncodeToString(sum[:])}, cfg.RootFS.DiffIDs, "diff id must be the layer digest")
	require.Equal(t, []byte("#!binary"), readTar(t, layer)["probe"])
}

func readTar(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[hdr.Name] = body
	}
}
