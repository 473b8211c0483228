package vdcu_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/vendors/hygon/internal/vdcu"
)

func TestConfigRoundTrip(t *testing.T) {
	t.Parallel()
	c := vdcu.Config{DeviceID: 3, PCIBusID: "0000:40:00.0", UUID: "DCU-abc", Mask: vdcu.MaskOf(9, 10, 11), MemLimit: 2000 << 20}
	data := c.Encode()
	require.Contains(t, string(data), "cu_count: 3\n")
	require.Contains(t, string(data), "cu_mask: 0xe00\n")
	require.Contains(t, string(data), "mem_limit: 2097152000\n")
	back, err := vdcu.DecodeConfig(data)
	require.NoError(t, err)
	require.Equal(t, c.Encode(), back.Encode())
	require.Equal(t, c.DeviceID, back.DeviceID)
	require.Equal(t, c.MemLimit, back.MemLimit)
}

func TestDecodeConfig(t *testing.T) {
	t.Parallel()
	const good = "version: 1\ndevice_id: 0\npci_bus_id: 0000:10:00.0\ndcu_uuid: DCU-1\ncu_count: 2\ncu_mask: 0x3\nmem_limit: 1024\n"
	tests := map[string]struct {
		data string
		err  string
	}{
		"good":             {data: good},
		"unknown key kept": {data: good + "future_key: x\n"},
		"comments":         {data: "# hi\n\n" + good},
		"newer version":    {data: "version: 2\n" + good[len("version: 1\n"):], err: `version "2" is not supported`},
		"missing key":      {data: good[:len(good)-len("mem_limit: 1024\n")], err: "mem_limit is missing"},
		"count disagrees":  {data: "version: 1\ndevice_id: 0\npci_bus_id: b\ndcu_uuid: u\ncu_count: 3\ncu_mask: 0x3\nmem_limit: 1\n", err: "cu_count 3 but cu_mask 0x3 holds 2"},
		"repeated key":     {data: good + "cu_mask: 0x1\n", err: "cu_mask given twice"},
		"not a key value":  {data: good + "garbage\n", err: "want key: value"},
		"bad memory":       {data: "version: 1\ndevice_id: 0\npci_bus_id: b\ndcu_uuid: u\ncu_count: 2\ncu_mask: 0x3\nmem_limit: -1\n", err: "mem_limit"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := vdcu.DecodeConfig([]byte(tc.data))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, 2, c.Mask.Count())
		})
	}
}
