package sdk_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/vendors/hygon/sdk"
)

// FuzzLoadDescription: any file either loads into a description that
// validates and survives a round trip, or is refused with an error.
func FuzzLoadDescription(f *testing.F) {
	example, err := os.ReadFile("testdata/fake-k100ai.yaml")
	require.NoError(f, err)
	f.Add(example)
	f.Add([]byte("apiVersion: fake.hygon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\n"))
	f.Add([]byte(`{"apiVersion":"fake.hygon.hami.io/v1","kind":"FakeSystem","model":"Z100","devices":2,"noVirtualDevices":true}`))
	f.Add([]byte("apiVersion: fake.hygon.hami.io/v1\nkind: FakeSystem\nmodel: Z100\nunhealthy: [9]\n"))
	f.Add([]byte("model: Z100\nmodel: K100-AI\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := sdk.LoadDescription(fakesdktest.WriteFile(t, string(data)))
		if err != nil {
			return
		}
		require.NoError(t, d.Validate())
		fakesdktest.RoundTrip(t, sdk.LoadDescription, d)
	})
}
