// Package fakesdktest is the test scaffolding every vendor's sdk package
// shares: building and starting a fake, writing a description file, and
// the table tests of loading and validating descriptions, so that each
// vendor's tests hold only its own cases.
package fakesdktest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Initer is a fake library: Init starts it.
type Initer interface{ Init() error }

// Start builds a fake of desc with opts and initialises it, failing the
// test on either error.
func Start[D, O any, F Initer](t testing.TB, build func(D, O) (F, error), desc D, opts O) F {
	t.Helper()
	f, err := build(desc, opts)
	require.NoError(t, err)
	require.NoError(t, f.Init())
	return f
}

// WriteFile writes body to a fresh file in the test's temporary directory
// and returns its path.
func WriteFile(t testing.TB, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// CheckErr requires err to contain wantErr, or no error where wantErr is
// empty; it says whether the test goes on to check the result.
func CheckErr(t testing.TB, err error, wantErr string) bool {
	t.Helper()
	if wantErr != "" {
		require.ErrorContains(t, err, wantErr)
		return false
	}
	require.NoError(t, err)
	return true
}

// LoadCase is a description file and what loading it gives: Want, or an
// error containing WantErr.
type LoadCase[D any] struct {
	Body    string
	Want    D
	WantErr string
}

// RunLoad runs each case through load, in parallel subtests.
func RunLoad[D any](t *testing.T, load func(path string) (D, error), cases map[string]LoadCase[D]) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := load(WriteFile(t, tc.Body))
			if CheckErr(t, err, tc.WantErr) {
				require.Equal(t, tc.Want, got)
			}
		})
	}
}

// ValidateCase is a description and the error validating it gives (none
// where WantErr is empty).
type ValidateCase[D any] struct {
	Desc    D
	WantErr string
}

// RunValidate runs each case through validate, in parallel subtests.
func RunValidate[D any](t *testing.T, validate func(D) error, cases map[string]ValidateCase[D]) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			CheckErr(t, validate(tc.Desc), tc.WantErr)
		})
	}
}

// FuzzLoad fuzzes load from seeds: whatever the file holds, loading either
// fails or gives a description that check accepts (it builds a fake, reads
// back the same, ...). No input may panic.
func FuzzLoad[D any](f *testing.F, seeds []string, load func(path string) (D, error), check func(t *testing.T, d D)) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := load(WriteFile(t, string(body)))
		if err != nil {
			return
		}
		check(t, d)
	})
}

// Want checks a call's result: no error and the value want. It takes the
// call's two results, so a check of one query is one line:
//
//	fakesdktest.Want(t, 8)(lib.DeviceCount())
func Want[T any](t testing.TB, want T, msgAndArgs ...any) func(got T, err error) {
	t.Helper()
	return func(got T, err error) {
		t.Helper()
		require.NoError(t, err, msgAndArgs...)
		require.Equal(t, want, got, msgAndArgs...)
	}
}

// RoundTrip requires d, written out as JSON and loaded again, to read back
// the same: a description file the fake accepts must survive being saved.
func RoundTrip[D any](t testing.TB, load func(path string) (D, error), d D) {
	t.Helper()
	data, err := json.Marshal(d)
	require.NoError(t, err)
	Want(t, d, "read back")(load(WriteFile(t, string(data))))
}
