package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/sdkerr"
)

func TestSgpuMemoryRoundsUpTo128MiB(t *testing.T) {
	t.Parallel()
	cases := map[uint64]uint64{0: 0, 1: 128, 128: 128, 129: 256, 1000: 1024, 65536: 65536}
	for in, want := range cases {
		require.Equal(t, want, SgpuMemory(in), "SgpuMemory(%d)", in)
	}
}

func TestSchedClassesInTheDriversNumbering(t *testing.T) {
	t.Parallel()
	for code, want := range []SchedClass{SchedBestEffort, SchedFixedShare, SchedBurstShare} {
		got, err := schedClassOf(int32(code))
		require.NoError(t, err)
		require.Equal(t, want, got)
		require.True(t, got.Valid())
	}
	_, err := schedClassOf(3)
	require.ErrorIs(t, err, ErrUnknownValue)
	require.False(t, SchedClass("gold").Valid())
}

func TestLinkScoresRankMetaXLinkFirst(t *testing.T) {
	t.Parallel()
	order := []LinkKind{LinkMetaXLink, LinkPCIeSwitch, LinkPCIeMulti, LinkHostBridge, LinkNUMANode, LinkSystem, ""}
	for i := 1; i < len(order); i++ {
		require.Greater(t, order[i-1].Score(), order[i].Score(), "%s over %s", order[i-1], order[i])
	}
	require.Equal(t, LinkPCIeSwitch, topologyKind(topologySingle))
	require.Equal(t, LinkKind(""), topologyKind(42))
}

func TestReturnNames(t *testing.T) {
	t.Parallel()
	require.Equal(t, "MXSML_OutOfResources", OutOfResources.String())
	require.Equal(t, "MXSML_Unknown(99)", Return(99).String())
	require.ErrorIs(t, fail(Return(99), "mxSmlInit"), sdkerr.ErrFailure)
	require.NoError(t, check(0, "mxSmlInit"))
}
