package mlunode_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/partition"
	"github.com/hami-project/hami/vendors/cambricon/internal/mlunode"
)

func TestHandlesRoundTrip(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		data string
		want mlunode.Handles
		err  bool
	}{
		"written": {
			data: `{"card":3,"handle":262145,"instance":1,"node":"/dev/cambricon-caps/cap_dev3_mi1","cores":30,"memoryMiB":10240}`,
			want: mlunode.Handles{Card: 3, Handle: 262145, Instance: 1, Node: "/dev/cambricon-caps/cap_dev3_mi1", Cores: 30, MemMiB: 10240},
		},
		"a newer plugin's extra field": {data: `{"card":1,"handle":2,"future":true}`, want: mlunode.Handles{Card: 1, Handle: 2}},
		"not an object":                {data: `[1]`, err: true},
		"missing":                      {data: ``, err: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, err := mlunode.HandlesOf(partition.Instance{ID: "x", Data: json.RawMessage(tc.data)})
			if tc.err {
				require.ErrorContains(t, err, "sMLU instance x: handles in the checkpoint")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, h)
			data, err := json.Marshal(h)
			require.NoError(t, err)
			again, err := mlunode.HandlesOf(partition.Instance{Data: data})
			require.NoError(t, err)
			require.Equal(t, h, again)
		})
	}
}

func FuzzHandlesOf(f *testing.F) {
	f.Add([]byte(`{"card":3,"handle":262145,"instance":1,"node":"/dev/cambricon-caps/cap_dev3_mi1","cores":30,"memoryMiB":10240}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := mlunode.HandlesOf(partition.Instance{Data: data})
		if err != nil {
			return
		}
		out, err := json.Marshal(h)
		require.NoError(t, err)
		again, err := mlunode.HandlesOf(partition.Instance{Data: out})
		require.NoError(t, err)
		require.Equal(t, h, again)
	})
}
