package device_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/device"
)

func TestGroups(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		index, count, size int
		want               []int
	}{
		"first of a pair":    {index: 0, count: 4, size: 2, want: []int{1}},
		"second of a pair":   {index: 3, count: 4, size: 2, want: []int{2}},
		"group of four":      {index: 5, count: 8, size: 4, want: []int{4, 6, 7}},
		"short last group":   {index: 4, count: 6, size: 4, want: []int{5}},
		"no groups":          {index: 1, count: 4, size: 1},
		"index out of range": {index: 9, count: 4, size: 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, device.Groups(tc.index, tc.count, tc.size))
		})
	}
}

func TestScoreOrder(t *testing.T) {
	t.Parallel()
	scores := []int32{device.ScoreFabric, device.ScorePCIeSwitch, device.ScorePCIeMulti,
		device.ScoreHostBridge, device.ScoreNUMANode, device.ScoreSystem}
	for i := 1; i < len(scores); i++ {
		require.Greater(t, scores[i-1], scores[i])
	}
}

func TestPeers(t *testing.T) {
	t.Parallel()
	require.Equal(t, []int{0, 2, 3}, device.Peers(1, 4))
	require.Equal(t, []int{0, 1}, device.Peers(5, 2), "an index out of range has every device as a peer")
	require.Empty(t, device.Peers(0, 1))
	require.Empty(t, device.Peers(0, 0))
}
