package sdkerr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/sdkerr"
)

type ret int32

var (
	errBad     = errors.New("invalid argument")
	errFailure = errors.New("library failure")
)

func table(codeFirst bool) sdkerr.Table[ret] {
	return sdkerr.Table[ret]{
		Entries: []sdkerr.Entry[ret]{
			{Code: 0, Name: "X_SUCCESS"},
			{Code: 2, Name: "X_BAD", Sentinel: errBad},
			{Code: 3, Name: "X_OTHER"},
		},
		Unknown:   func(c ret) string { return fmt.Sprintf("X_CODE_%d", int32(c)) },
		Fallback:  errFailure,
		CodeFirst: codeFirst,
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		code      ret
		codeFirst bool
		args      []any
		want      string
		sentinel  error
	}{
		"success":          {code: 0},
		"known":            {code: 2, args: []any{1, "a"}, want: "f(1, a): X_BAD (2): invalid argument", sentinel: errBad},
		"no sentinel":      {code: 3, want: "f(): X_OTHER (3): library failure", sentinel: errFailure},
		"unknown":          {code: 9, args: []any{0}, want: "f(0): X_CODE_9 (9): library failure", sentinel: errFailure},
		"code before name": {code: 2, codeFirst: true, args: []any{0}, want: "f(0): 2 X_BAD: invalid argument", sentinel: errBad},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := table(tc.codeFirst).Check(tc.code, "f", tc.args...)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, tc.sentinel)
			var e *sdkerr.Error[ret]
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.code, e.Code)
		})
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	tb := table(false)
	require.Equal(t, "X_BAD", tb.Name(2))
	require.Equal(t, "X_CODE_7", tb.Name(7))
	require.Equal(t, errFailure, tb.Sentinel(3))
	tb.Unknown = nil
	require.Equal(t, "CODE_7", tb.Name(7))
	tb.Fallback = nil
	err := tb.At(7, "g")
	require.EqualError(t, err, "g: CODE_7 (7)")
	require.NoError(t, errors.Unwrap(err))
}

func TestNamed(t *testing.T) {
	t.Parallel()
	got := sdkerr.Named[ret](1, "X_", []string{"A", "B"}, map[ret]error{2: errBad})
	require.Equal(t, []sdkerr.Entry[ret]{{Code: 1, Name: "X_A"}, {Code: 2, Name: "X_B", Sentinel: errBad}}, got)
}
