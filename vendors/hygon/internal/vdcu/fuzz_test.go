package vdcu_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

func FuzzDecodeConfig(f *testing.F) {
	f.Add(vdcu.Config{DeviceID: 1, PCIBusID: "0000:20:00.0", UUID: "DCU-x", Mask: vdcu.MaskOf(0, 65), MemLimit: 1 << 30}.Encode())
	f.Add([]byte("version: 1\n"))
	f.Add([]byte("cu_mask: 0x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := vdcu.DecodeConfig(data)
		if err != nil {
			return
		}
		again, err := vdcu.DecodeConfig(c.Encode())
		require.NoError(t, err)
		require.Equal(t, c.Encode(), again.Encode())
	})
}

func FuzzParseMask(f *testing.F) {
	f.Add("0x1ff")
	f.Add("0x80000000000000000000000000000001")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := vdcu.ParseMask(s)
		if err != nil {
			return
		}
		back, err := vdcu.ParseMask(m.String())
		require.NoError(t, err)
		require.Equal(t, m.String(), back.String())
		require.Equal(t, m.Count(), back.Count())
	})
}
