package fakesdktest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// CheckStableIdentity requires device identities to be stable per seed: a
// and again, built from the same seed, agree; other, from another seed,
// differs in what id says is the device's identity (UUID, serial).
func CheckStableIdentity[D any](t testing.TB, a, again, other D, id func(D) []string) {
	t.Helper()
	require.Equal(t, a, again, "the same seed")
	for i, v := range id(other) {
		require.NotEqual(t, id(a)[i], v, "another seed")
	}
}
