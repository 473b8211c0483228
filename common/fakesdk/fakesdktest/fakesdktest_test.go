package fakesdktest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

type fake struct{ started bool }

func (f *fake) Init() error { f.started = true; return nil }

func build(desc string, _ int) (*fake, error) {
	if desc == "" {
		return nil, errors.New("no description")
	}
	return &fake{}, nil
}

func load(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(string(b), "bad") {
		return "", errors.New("bad body")
	}
	return string(b), nil
}

func TestStart(t *testing.T) {
	t.Parallel()
	f := fakesdktest.Start(t, build, "d", 0)
	require.True(t, f.started)
}

func TestRunLoad(t *testing.T) {
	t.Parallel()
	fakesdktest.RunLoad(t, load, map[string]fakesdktest.LoadCase[string]{
		"good": {Body: "x", Want: "x"},
		"bad":  {Body: "bad", WantErr: "bad body"},
	})
}

func TestRunValidate(t *testing.T) {
	t.Parallel()
	validate := func(s string) error {
		if s == "" {
			return errors.New("empty")
		}
		return nil
	}
	fakesdktest.RunValidate(t, validate, map[string]fakesdktest.ValidateCase[string]{
		"good":  {Desc: "x"},
		"empty": {WantErr: "empty"},
	})
}

func FuzzLoad(f *testing.F) {
	fakesdktest.FuzzLoad(f, []string{"x", "bad"}, load, func(t *testing.T, d string) {
		require.False(t, strings.HasPrefix(d, "bad"))
	})
}

func TestWant(t *testing.T) {
	t.Parallel()
	count := func() (int, error) { return 8, nil }
	fakesdktest.Want(t, 8, "the count")(count())
}

type guarded struct{ open bool }

func (g *guarded) Init() error     { g.open = true; return nil }
func (g *guarded) Shutdown() error { g.open = false; return nil }
func (g *guarded) DeviceCount() (int, error) {
	if !g.open {
		return 0, sdkerr.ErrUninitialized
	}
	return 2, nil
}

func (g *guarded) device(index int) error {
	switch {
	case !g.open:
		return sdkerr.ErrUninitialized
	case index >= 2:
		return fmt.Errorf("device(%d): %w", index, sdkerr.ErrNoDevice)
	}
	return nil
}

func TestCheckGuard(t *testing.T) {
	t.Parallel()
	g := &guarded{}
	fakesdktest.CheckGuard(t, g, fakesdktest.Guard{Call: g.device, Unknown: 2, UnknownErr: sdkerr.ErrNoDevice, UnknownText: "device(2)"})
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	fakesdktest.RoundTrip(t, func(path string) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		var s string
		return s, json.Unmarshal(b, &s)
	}, "x")
}

func TestCheckStableIdentity(t *testing.T) {
	t.Parallel()
	type dev struct{ UUID, Serial string }
	ids := func(d dev) []string { return []string{d.UUID, d.Serial} }
	fakesdktest.CheckStableIdentity(t, dev{"a", "1"}, dev{"a", "1"}, dev{"b", "2"}, ids)
}
