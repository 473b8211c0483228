package vdcu_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

func TestMaskText(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		cus  []int
		text string
	}{
		"empty":           {text: "0x0"},
		"first nine":      {cus: []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, text: "0x1ff"},
		"one high bit":    {cus: []int{64}, text: "0x10000000000000000"},
		"across words":    {cus: []int{3, 119}, text: "0x800000000000000000000000000008"},
		"last of a word":  {cus: []int{63}, text: "0x8000000000000000"},
		"second word top": {cus: []int{0, 127}, text: "0x80000000000000000000000000000001"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := vdcu.MaskOf(tc.cus...)
			require.Equal(t, tc.text, m.String())
			require.Equal(t, len(tc.cus), m.Count())
			back, err := vdcu.ParseMask(tc.text)
			require.NoError(t, err)
			require.Equal(t, tc.text, back.String())
			for _, cu := range tc.cus {
				require.True(t, back.Has(cu), "CU %d", cu)
			}
		})
	}
}

func TestParseMaskRefuses(t *testing.T) {
	t.Parallel()
	for name, text := range map[string]string{
		"no prefix": "1ff", "no digits": "0x", "not hex": "0xfg", "sign": "0x+1", "too long": "0x" + string(make([]byte, 300)),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := vdcu.ParseMask(text)
			require.Error(t, err)
		})
	}
}

func TestMaskSetOperations(t *testing.T) {
	t.Parallel()
	a, b := vdcu.MaskOf(0, 1, 70), vdcu.MaskOf(2, 3)
	require.False(t, a.Overlaps(b))
	require.True(t, a.Overlaps(vdcu.MaskOf(70)))
	u := a.Union(b)
	require.Equal(t, 5, u.Count())
	require.Equal(t, 70, u.Highest())
	require.Equal(t, -1, vdcu.Mask{}.Highest())
	require.False(t, u.Has(-1))
	require.False(t, u.Has(500))
}
