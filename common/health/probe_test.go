package health_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/health"
)

func TestProbe(t *testing.T) {
	t.Parallel()
	errBusy := errors.New("busy")
	type card struct {
		uuid string
		ok   bool
		err  error
	}
	for _, tc := range []struct {
		name    string
		cards   []card
		want    map[string]health.State
		wantErr error
	}{
		{name: "none", want: map[string]health.State{}},
		{
			name:  "healthy and not",
			cards: []card{{uuid: "a", ok: true}, {uuid: "b"}},
			want:  map[string]health.State{"a": {Healthy: true}, "b": {Reason: "gone"}},
		},
		{
			name:    "unreadable keeps its health",
			cards:   []card{{uuid: "a", ok: true}, {uuid: "b", err: errBusy}},
			want:    map[string]health.State{"a": {Healthy: true}},
			wantErr: errBusy,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			read := health.Probe(tc.cards, func(c card) string { return c.uuid },
				func(c card) (bool, error) { return c.ok, c.err }, "gone")
			got, err := read(context.Background())
			require.Equal(t, tc.want, got)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.ErrorContains(t, err, "health of b")
				return
			}
			require.NoError(t, err)
		})
	}
}
