package codec_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/codec"
)

type doc struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func TestStrict(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		data string
		yaml bool
		want string
	}{
		"json ok":        {data: `{"name":"a","count":1}`},
		"yaml ok":        {data: "name: a\ncount: 1", yaml: true},
		"unknown":        {data: `{"nam":"a"}`, want: `unknown field "nam"`},
		"trailing":       {data: `{"name":"a"} {}`, want: "unexpected data after the JSON document"},
		"type":           {data: `{"count":"x"}`, want: "field count: cannot use string as int"},
		"empty":          {data: "  ", want: "empty document"},
		"yaml duplicate": {data: "name: a\nname: b", yaml: true, want: "already set"},
		"yaml unknown":   {data: "nme: a", yaml: true, want: `unknown field "nme"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var d doc
			decode := codec.StrictJSON
			if tc.yaml {
				decode = codec.StrictYAML
			}
			err := decode([]byte(tc.data), &d)
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, doc{Name: "a", Count: 1}, d)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestLenientIgnoresUnknownFields(t *testing.T) {
	t.Parallel()
	var d doc
	require.NoError(t, codec.LenientJSON([]byte(`{"name":"a","future":true}`), &d))
	require.Equal(t, "a", d.Name)
}

func TestPeekHeader(t *testing.T) {
	t.Parallel()
	h, err := codec.PeekHeader([]byte(`{"apiVersion":"x/v1","kind":"K","rest":{}} trailing`))
	require.NoError(t, err)
	require.Equal(t, codec.Header{APIVersion: "x/v1", Kind: "K"}, h)
	_, err = codec.PeekHeader(nil)
	require.ErrorIs(t, err, codec.ErrEmpty)
}

type versioned struct {
	APIVersion string `json:"apiVersion"`
	Name       string `json:"name"`
}

func TestDecodeVersioned(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		data string
		want string // error text; empty for success
	}{
		"known version":                 {data: `{"apiVersion":"x/v1","name":"a"}`},
		"newer version with new fields": {data: `{"apiVersion":"x/v2","color":"red"}`, want: `apiVersion "x/v2" is not supported (supported: x/v1)`},
		"newer version, same fields":    {data: `{"apiVersion":"x/v2","name":"a"}`, want: `apiVersion "x/v2" is not supported (supported: x/v1)`},
		"no version and a bad field":    {data: `{"nam":"a"}`, want: `unknown field "nam"`},
		"no version at all":             {data: `{"name":"a"}`, want: `apiVersion "" is not supported (supported: x/v1)`},
		"not a document":                {data: `{`, want: `unexpected EOF`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var v versioned
			err := codec.DecodeVersioned([]byte(tc.data), &v, "x/v1", codec.StrictJSON, func() string { return v.APIVersion })
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, "a", v.Name)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}
