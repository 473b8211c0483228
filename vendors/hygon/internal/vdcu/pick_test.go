package vdcu_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

func TestComputeUnitsFor(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		cores int32
		cus   int
		want  int
	}{
		"15% of a Z100":     {cores: 15, cus: 60, want: 9},
		"15% of a K100-AI":  {cores: 15, cus: 120, want: 18},
		"rounds up":         {cores: 10, cus: 15, want: 2},
		"1% is one CU":      {cores: 1, cus: 60, want: 1},
		"0% is still one":   {cores: 0, cus: 60, want: 1},
		"whole card":        {cores: 100, cus: 60, want: 60},
		"never beyond card": {cores: 150, cus: 60, want: 60},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, vdcu.ComputeUnitsFor(tc.cores, tc.cus))
		})
	}
}

func TestPick(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		taken vdcu.Mask
		want  int
		mask  string
		err   error
	}{
		"empty card":         {want: 4, mask: "0xf"},
		"skips taken":        {taken: vdcu.MaskOf(0, 2), want: 3, mask: "0x1a"},
		"fills a hole first": {taken: vdcu.MaskOf(1, 2, 3), want: 2, mask: "0x11"},
		"not enough":         {taken: vdcu.MaskOf(0, 1, 2, 3, 4, 5), want: 3, err: vdcu.ErrNoComputeUnits},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, err := vdcu.Pick(8, tc.taken, tc.want)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.ErrorContains(t, err, "2 of 8 compute units are free, the vDCU needs 3")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.mask, m.String())
			require.False(t, m.Overlaps(tc.taken))
		})
	}
	_, err := vdcu.Pick(8, vdcu.Mask{}, 9)
	require.Error(t, err)
}
