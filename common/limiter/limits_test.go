package limiter_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/limiter"
)

func TestLimitsRoundTrip(t *testing.T) {
	t.Parallel()
	full := limiter.Limits{Policy: limiter.PolicyForce, AllowDisable: true, Oversubscribe: true, Region: "/var/lib/hami/region/region.cache"}
	full.Memory[0], full.Memory[15] = 24<<30, 1
	full.Core[0], full.Core[3] = 30, 99
	tests := map[string]limiter.Limits{
		"empty":   {Policy: limiter.PolicyDefault},
		"full":    full,
		"disable": {Policy: limiter.PolicyDisable},
	}
	for name, l := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "uid_main", limiter.LimitsFile)
			require.NoError(t, limiter.WriteLimits(path, &l))
			got, err := limiter.ReadLimits(path)
			require.NoError(t, err)
			require.Equal(t, &l, got)
			st, err := os.Stat(path)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "readable by the container's users")
		})
	}
}

// The writer's exact text: the library (hami-core/src/limits_file.c)
// reads it, so its shape is part of the contract.
func TestLimitsEncodeText(t *testing.T) {
	t.Parallel()
	l := limiter.Limits{Policy: limiter.PolicyDefault, Region: "/r/region.cache"}
	l.Memory[0], l.Core[0], l.Memory[1], l.Core[1] = 3000<<20, 30, 1<<30, 100
	data, err := l.Encode()
	require.NoError(t, err)
	require.Equal(t, "# written by the HAMi device plugin; read-only in the container\nversion=1\n"+
		"memory.0=3145728000\ncore.0=30\nmemory.1=1073741824\n"+
		"policy=default\nallow_disable=false\noversubscribe=false\nregion=/r/region.cache\n", string(data))
}

func TestLimitsRejectsWhatTheLibraryRefuses(t *testing.T) {
	t.Parallel()
	bad := map[string]limiter.Limits{
		"no policy":       {},
		"unknown policy":  {Policy: "sometimes"},
		"core above 100":  {Policy: limiter.PolicyForce, Core: [limiter.MaxDevices]int{101}},
		"negative core":   {Policy: limiter.PolicyForce, Core: [limiter.MaxDevices]int{0, -1}},
		"relative region": {Policy: limiter.PolicyForce, Region: "region.cache"},
		"two-line region": {Policy: limiter.PolicyForce, Region: "/a\nmemory=0"},
	}
	for name, l := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := l.Encode()
			require.ErrorIs(t, err, limiter.ErrBadLimits)
			require.Error(t, limiter.WriteLimits(filepath.Join(t.TempDir(), "l"), &l))
		})
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	all := limiter.Limits{Policy: limiter.PolicyDefault}
	for i := range limiter.MaxDevices {
		all.Memory[i], all.Core[i] = 10<<30, 20
	}
	all.Memory[2] = 512 << 10
	tests := map[string]struct {
		text string
		want *limiter.Limits
		err  string
	}{
		"comments, blanks, CRLF, spaces": {
			text: "# hello\n\n  version = 1\r\n\tpolicy=force \r\n# memory.0=1\ncore.0=30\nfuture.key=x\nmemory.16=1\nmemoryx=1\n",
			want: &limiter.Limits{Policy: limiter.PolicyForce, Core: [limiter.MaxDevices]int{30}},
		},
		"every device, then one": {text: "version=1\nmemory=10g\ncore=20\nmemory.2=512k\n", want: &all},
		"suffixes":               {text: "version=1\nmemory.0=2M\nmemory.1=1G\n", want: &limiter.Limits{Policy: limiter.PolicyDefault, Memory: [limiter.MaxDevices]uint64{2 << 20, 1 << 30}}},
		"100 is none":            {text: "version=1\ncore.0=100\n", want: &limiter.Limits{Policy: limiter.PolicyDefault}},
		"booleans as digits":     {text: "version=1\nallow_disable=1\noversubscribe=0\n", want: &limiter.Limits{Policy: limiter.PolicyDefault, AllowDisable: true}},
		"no version":             {text: "policy=force\n", err: "first setting must be version=1"},
		"empty":                  {text: "", err: "no version line"},
		"version 2":              {text: "version=2\n", err: "version=1"},
		"no equals":              {text: "version=1\npolicy\n", err: "line 2"},
		"empty policy":           {text: "version=1\npolicy=\n", err: "policy"},
		"bad size":               {text: "version=1\nmemory.0=10gb\n", err: "memory.0"},
		"size overflow":          {text: "version=1\nmemory.0=17179869184g\n", err: "out of range"},
		"negative percent":       {text: "version=1\ncore.1=-5\n", err: "core.1"},
		"percent above 100":      {text: "version=1\ncore=101\n", err: "core"},
		"bad bool":               {text: "version=1\nallow_disable=yes\n", err: "allow_disable"},
		"relative region":        {text: "version=1\nregion=tmp/x\n", err: "region"},
		"NUL":                    {text: "version=1\n\x00", err: "NUL"},
		"too long":               {text: "version=1\n" + strings.Repeat("#", 70000), err: "bytes"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := limiter.ParseLimits([]byte(tc.text))
			if tc.err != "" {
				require.ErrorIs(t, err, limiter.ErrBadLimits)
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestContainerDir(t *testing.T) {
	t.Parallel()
	require.Equal(t, "/root/uid-1_main", limiter.ContainerDir("/root", "uid-1", "main"))
}

// Whatever parses re-encodes to a file that parses to the same limits.
func FuzzParseLimits(f *testing.F) {
	f.Add([]byte("version=1\nmemory.0=3000m\ncore.0=30\npolicy=force\nallow_disable=false\noversubscribe=true\nregion=/x/region.cache\n"))
	f.Add([]byte("version=1\nmemory=1g\ncore=100\n"))
	f.Add([]byte("# c\n version = 1 \r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := limiter.ParseLimits(data)
		if err != nil {
			return
		}
		text, err := l.Encode()
		require.NoError(t, err)
		back, err := limiter.ParseLimits(text)
		require.NoError(t, err)
		require.Equal(t, l, back)
	})
}
