package partition_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/partition"
)

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"partitions.hami.io/v1","kind":"Partitions","vendor":"nvidia","instances":[{"device":"GPU-1","id":"MIG-1","pod":"u","container":"c","created":"2026-01-01T00:00:00Z","data":{"gi":1}}]}`))
	f.Add([]byte(`{"apiVersion":"partitions.hami.io/v2","kind":"Partitions"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := partition.Decode(data)
		if err != nil {
			return
		}
		require.Equal(t, partition.APIVersionV1, c.APIVersion)
	})
}
