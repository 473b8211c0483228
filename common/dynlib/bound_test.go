package dynlib_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/clib/clibtest"
	"github.com/hami-project/hami/common/dynlib"
)

func TestOpenBound(t *testing.T) {
	t.Parallel()
	so := clibtest.BuildShared(t, "libadder.so", "testdata/adder.c")

	var fns adder
	lib, err := dynlib.OpenBound("", []string{"/nonexistent/libadder.so", so}, &fns)
	require.NoError(t, err, "the defaults are tried in order")
	require.Equal(t, so, lib.Path())
	require.Equal(t, int32(5), fns.Add(2, 3))
	require.NoError(t, lib.Close())

	lib, err = dynlib.OpenBound(so, []string{"/nonexistent/libadder.so"}, &fns)
	require.NoError(t, err, "a path replaces the defaults")
	require.NoError(t, lib.Close())

	_, err = dynlib.OpenBound("/nonexistent/libx.so", []string{so}, &fns)
	require.ErrorIs(t, err, dynlib.ErrNotFound)

	var missing struct {
		X func() int32 `sym:"missing_x"`
	}
	_, err = dynlib.OpenBound(so, nil, &missing)
	require.ErrorContains(t, err, "missing_x")
}
