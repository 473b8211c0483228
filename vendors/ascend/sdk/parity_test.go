package sdk

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
	"github.com/hami-project/hami/common/sdkerr"
)

// TestFakeAndBindingAgree runs the same calls on the fake and on the
// binding over the mock driver: code above the SDK must not be able to
// tell them apart.
func TestFakeAndBindingAgree(t *testing.T) {
	t.Parallel()
	for _, model := range []string{"910B3", "310P3", "910C"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			b, _ := openMock(t, model, 4)
			require.NoError(t, b.Init())
			desc := ForModel(model, "n")
			desc.Devices = 4 * Models()[model].DiesPerCard
			f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})
			libs := map[string]Library{"binding": b, "fake": f}
			got := map[string]parityView{}
			for name, lib := range libs {
				got[name] = viewOf(t, lib)
			}
			require.Equal(t, got["binding"], got["fake"])
			require.Equal(t, CodeResourceOccupied, got["fake"].RefusedErr)
			require.Equal(t, CodeDeviceNotExist, got["fake"].NotFound)
			require.Len(t, got["fake"].Made, Models()[model].AICores/got["fake"].Made[0].AICores)
			require.True(t, got["fake"].BadDevice)
		})
	}
}

// parityView is what both implementations must report alike.
type parityView struct {
	Count      int
	Model      string
	AICores    int
	TotalMiB   uint64
	Templates  []Template
	LinkKinds  map[int]LinkKind
	Made       []Template
	RefusedErr Code
	NotFound   Code
	BadDevice  bool
}

func viewOf(t *testing.T, lib Library) parityView {
	t.Helper()
	var v parityView
	var err error
	v.Count, err = lib.DeviceCount()
	require.NoError(t, err)
	d, err := lib.Device(1)
	require.NoError(t, err)
	v.Model, v.AICores = d.Model, d.AICores
	mem, err := lib.Memory(1)
	require.NoError(t, err)
	v.TotalMiB = mem.TotalMiB
	v.Templates, err = lib.Templates(1)
	require.NoError(t, err)
	links, err := lib.Links(1)
	require.NoError(t, err)
	v.LinkKinds = map[int]LinkKind{}
	for _, l := range links {
		v.LinkKinds[l.Peer] = l.Kind
	}
	biggest := v.Templates[len(v.Templates)-1]
	for {
		p, err := lib.CreatePartition(1, biggest.Name)
		if err != nil {
			v.RefusedErr = codeOf(err)
			break
		}
		v.Made = append(v.Made, Template{Name: p.Template, MemoryMiB: p.MemoryMiB, AICores: p.AICores})
	}
	listed, err := lib.Partitions(1)
	require.NoError(t, err)
	require.Len(t, listed, len(v.Made))
	v.NotFound = codeOf(lib.DestroyPartition(1, 99))
	_, err = lib.Device(v.Count)
	v.BadDevice = errors.Is(err, sdkerr.ErrNoDevice)
	return v
}

func codeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeOK
}
