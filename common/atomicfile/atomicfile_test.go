package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/atomicfile"
)

func TestWriteReplacesAndLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "state.json")
	require.NoError(t, atomicfile.Write(path, []byte("one"), 0o600))
	require.NoError(t, atomicfile.Write(path, []byte("two"), 0o644))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "two", string(got))
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "temporary files must not be left behind")
}

func TestCopy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := filepath.Join(dir, "from")
	require.NoError(t, os.WriteFile(from, []byte("lib"), 0o600))
	require.NoError(t, atomicfile.Copy(from, filepath.Join(dir, "to"), 0o755))
	got, err := os.ReadFile(filepath.Join(dir, "to"))
	require.NoError(t, err)
	require.Equal(t, "lib", string(got))
	require.Error(t, atomicfile.Copy(filepath.Join(dir, "missing"), filepath.Join(dir, "x"), 0o644))
}

func TestWriteIntoUnwritablePlaceFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	// A regular file cannot be a directory.
	require.Error(t, atomicfile.Write(filepath.Join(file, "x"), []byte("x"), 0o600))
}
