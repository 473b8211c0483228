package extender

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzAppendString: what appendString writes is a JSON string that decodes
// to what encoding/json's own encoding of s decodes to.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "node-1", `a "quoted" \ path`, "tab\tnew\nline\r\x00\x1f", "héllo ☃", "\xff\xfe bad", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want string
		require.NoError(t, json.Unmarshal(appendString(nil, s), &got))
		ref, err := json.Marshal(s)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(ref, &want))
		require.Equal(t, want, got)
	})
}
