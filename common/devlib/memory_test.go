package devlib_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/devlib"
)

func TestFreeMiB(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		mem  devlib.Memory
		want uint64
	}{
		"some used":       {mem: devlib.Memory{TotalMiB: 100, UsedMiB: 30}, want: 70},
		"none used":       {mem: devlib.Memory{TotalMiB: 100}, want: 100},
		"more than total": {mem: devlib.Memory{TotalMiB: 100, UsedMiB: 130}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, tc.mem.FreeMiB())
		})
	}
}
