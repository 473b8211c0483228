package mig

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckpointRoundTrip(t *testing.T) {
	t.Parallel()
	in := checkpoint{APIVersion: APIVersionV1, Kind: Kind, Instances: []Instance{
		{GPU: "GPU-a", GI: 1, CI: 0, Profile: "1g.10gb", Placement: 3, UUID: "MIG-x", Pod: "uid", Container: "c"},
	}}
	data, err := json.Marshal(in)
	require.NoError(t, err)
	out, err := decode(data)
	require.NoError(t, err)
	require.Equal(t, in, *out)
	_, err = decode([]byte(`{"apiVersion":"mig.nvidia.hami.io/v9","kind":"MIGInstances"}`))
	require.ErrorContains(t, err, "not supported")
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"mig.nvidia.hami.io/v1","kind":"MIGInstances","instances":[{"gpu":"g","gi":1}]}`))
	f.Fuzz(func(_ *testing.T, data []byte) { _, _ = decode(data) })
}
