package partition_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/partition"
)

func TestDataOf(t *testing.T) {
	t.Parallel()
	type handles struct {
		Card   int `json:"card"`
		Handle int `json:"handle"`
	}
	for _, tc := range []struct {
		name    string
		data    string
		want    handles
		wantErr string
	}{
		{name: "read", data: `{"card":1,"handle":7}`, want: handles{Card: 1, Handle: 7}},
		{name: "newer fields kept out", data: `{"card":2,"handle":3,"later":true}`, want: handles{Card: 2, Handle: 3}},
		{name: "empty", data: ``, wantErr: "thing x: handles in the checkpoint"},
		{name: "wrong type", data: `{"card":"one"}`, wantErr: "card"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := partition.DataOf[handles](partition.Instance{ID: "x", Data: []byte(tc.data)}, "thing")
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
