package inventory_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/inventory"
)

func TestSplitKey(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		key, vendor, node string
		ok                bool
	}{
		"plain":        {key: "nvidia.node-a", vendor: "nvidia", node: "node-a", ok: true},
		"dotted node":  {key: "nvidia.gpu-1.example.com", vendor: "nvidia", node: "gpu-1.example.com", ok: true},
		"no dot":       {key: "nvidia"},
		"empty vendor": {key: ".node-a", node: "node-a"},
		"empty node":   {key: "nvidia.", vendor: "nvidia"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			vendor, node, ok := inventory.SplitKey(tc.key)
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.vendor, vendor)
				require.Equal(t, tc.node, node)
			}
		})
	}
}
