package dynlib_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
)

type adder struct {
	Add     func(a, b int32) int32         `sym:"adder_add"`
	Name    func(buf *byte, n int32) int32 `sym:"adder_name"`
	Later   func() int32                   `sym:"adder_from_the_future,optional"`
	Ignored func()
}

func TestBindCallsIntoTheLibrary(t *testing.T) {
	t.Parallel()
	lib, err := dynlib.Open(clibtest.BuildShared(t, "libadder.so", "testdata/adder.c"))
	require.NoError(t, err)
	defer func() { require.NoError(t, lib.Close()) }()

	var fns adder
	require.NoError(t, lib.Bind(&fns))
	require.Equal(t, int32(5), fns.Add(2, 3))
	buf := make([]byte, 16)
	require.Equal(t, int32(0), fns.Name(&buf[0], int32(len(buf))))
	require.Equal(t, "adder-1", dynlib.GoString(buf))
	require.Nil(t, fns.Later, "an optional symbol the library lacks stays nil")
	require.True(t, lib.Has("adder_add"))
	require.False(t, lib.Has("adder_from_the_future"))
}

func TestBindNamesEveryMissingSymbol(t *testing.T) {
	t.Parallel()
	lib, err := dynlib.Open(clibtest.BuildShared(t, "libadder.so", "testdata/adder.c"))
	require.NoError(t, err)
	defer func() { require.NoError(t, lib.Close()) }()
	var fns struct {
		Add func(a, b int32) int32 `sym:"adder_add"`
		X   func() int32           `sym:"missing_x"`
		Y   func() int32           `sym:"missing_y"`
	}
	err = lib.Bind(&fns)
	require.ErrorContains(t, err, "missing_x, missing_y")
	require.Nil(t, fns.Add, "nothing is bound when a required symbol is missing")
	require.Error(t, lib.Bind(fns), "not a pointer")
}

func TestOpenNamesEveryCandidate(t *testing.T) {
	t.Parallel()
	_, err := dynlib.Open("/nonexistent/libone.so", "libtwo-that-does-not-exist.so")
	require.ErrorIs(t, err, dynlib.ErrNotFound)
	require.ErrorContains(t, err, "libone.so")
	require.ErrorContains(t, err, "libtwo-that-does-not-exist.so")
}

func TestStrings(t *testing.T) {
	t.Parallel()
	require.Equal(t, []byte{'a', 'b', 0}, dynlib.CString("ab"))
	require.Equal(t, "ab", dynlib.GoString([]byte{'a', 'b', 0, 'c'}))
	require.Equal(t, "abc", dynlib.GoString([]byte("abc")))
}
