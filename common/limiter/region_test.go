package limiter_test

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/limiter"
)

// cRegion writes a region with hami-core's own header and a C compiler, so
// the reader is checked against the real layout.
func cRegion(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "write_region")
	out, err := exec.Command(cc, "-std=c11", "-I", "../../hami-core/src", "-o", bin, "testdata/write_region.c").CombinedOutput()
	require.NoError(t, err, "%s", out)
	path := filepath.Join(dir, limiter.RegionFile)
	out, err = exec.Command(bin, path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return path
}

func TestReadRegionWrittenByC(t *testing.T) {
	t.Parallel()
	path := cRegion(t)
	r, err := limiter.ReadRegion(path)
	require.NoError(t, err)
	want := &limiter.Region{Processes: 2}
	want.MemoryUsed[1], want.MemoryUsed[15] = 1234567, 42
	want.BusyNs[1], want.BusyNs[15] = 7500000000, 3
	require.Equal(t, want, r)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	mine, err := r.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, mine, len(data), "the Go layout has the C size")
}

func TestRegionRoundTrip(t *testing.T) {
	t.Parallel()
	r := &limiter.Region{Processes: 7}
	r.MemoryUsed[0], r.MemoryUsed[15] = 1<<40, 1
	r.BusyNs[3] = 1<<63 + 5
	data, err := r.MarshalBinary()
	require.NoError(t, err)
	got, err := limiter.ParseRegion(data)
	require.NoError(t, err)
	require.Equal(t, r, got)
	_, err = (&limiter.Region{Processes: 513}).MarshalBinary()
	require.Error(t, err)
}

func TestReadRegionRejects(t *testing.T) {
	t.Parallel()
	good, err := (&limiter.Region{Processes: 1}).MarshalBinary()
	require.NoError(t, err)
	version := func(v uint32) []byte {
		d := append([]byte(nil), good...)
		binary.LittleEndian.PutUint32(d[8:], v)
		return d
	}
	badSize := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(badSize[12:], 4096)
	tests := map[string]struct {
		data []byte
		err  error
		msg  string
	}{
		"empty":         {data: nil, err: limiter.ErrNotRegion},
		"not a region":  {data: make([]byte, 4096), err: limiter.ErrNotRegion},
		"version 1":     {data: version(1), err: limiter.ErrUnknownVersion, msg: "version: 1 (this reader knows version 2"},
		"newer version": {data: version(3), err: limiter.ErrUnknownVersion, msg: "version: 3"},
		"truncated":     {data: good[:1000], err: limiter.ErrNotRegion},
		"other size":    {data: badSize, err: limiter.ErrNotRegion, msg: "size 4096"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := limiter.ParseRegion(tc.data)
			require.ErrorIs(t, err, tc.err)
			require.ErrorContains(t, err, tc.msg)
		})
	}
	_, err = limiter.ReadRegion(filepath.Join(t.TempDir(), "none"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func FuzzParseRegion(f *testing.F) {
	good, err := (&limiter.Region{Processes: 3}).MarshalBinary()
	require.NoError(f, err)
	f.Add([]byte{})
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := limiter.ParseRegion(data)
		if err != nil {
			return
		}
		again, err := r.MarshalBinary()
		require.NoError(t, err)
		back, err := limiter.ParseRegion(again)
		require.NoError(t, err)
		require.Equal(t, r, back)
	})
}
