package sdk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/fakesdk/fakesdktest"
)

// TestFakeAndBindingAgree runs one sMLU scenario against the real binding
// (over the C mock, whose cards have an MLU370-X8's 48 GiB) and against the
// fake, and wants the same partitions and the same error text from both: a
// plugin tested on the fake then meets the same failures on a node.
func TestFakeAndBindingAgree(t *testing.T) {
	b := openMock(t, map[string]string{"MOCK_CNDEV_DEVICES": "2"})
	desc := ForModel("MLU370-X8", "n")
	desc.Devices = 2
	f := fakesdktest.Start(t, NewFake, desc, FakeOptions{})

	half := PartitionSpec{CorePercent: 50, MemoryMiB: 4096}
	type result struct {
		part Partition
		err  string
	}
	steps := []struct {
		name string
		run  func(l Library) (Partition, error)
	}{
		{"first half", func(l Library) (Partition, error) { return l.CreatePartition(0, half) }},
		{"second half", func(l Library) (Partition, error) { return l.CreatePartition(0, half) }},
		{"big on card 1", func(l Library) (Partition, error) {
			return l.CreatePartition(1, PartitionSpec{CorePercent: 10, MemoryMiB: 40960})
		}},
		{"memory left over", func(l Library) (Partition, error) {
			return l.CreatePartition(1, PartitionSpec{CorePercent: 10, MemoryMiB: 10240})
		}},
		{"cores all given", func(l Library) (Partition, error) {
			return l.CreatePartition(0, PartitionSpec{CorePercent: 1, MemoryMiB: 256})
		}},
		{"bad shape", func(l Library) (Partition, error) {
			return l.CreatePartition(0, PartitionSpec{CorePercent: 5, MemoryMiB: 300})
		}},
		{"destroy", func(l Library) (Partition, error) { return Partition{}, l.DestroyPartition(0, 1<<16|1) }},
		{"destroy again", func(l Library) (Partition, error) { return Partition{}, l.DestroyPartition(0, 1<<16|1) }},
		{"unknown card", func(l Library) (Partition, error) { _, err := l.Memory(5); return Partition{}, err }},
	}
	failed := 0
	for _, s := range steps {
		var got [2]result
		for i, l := range []Library{b, f} {
			p, err := s.run(l)
			p.UUID = "" // each makes its own
			got[i].part = p
			if err != nil {
				got[i].err = err.Error()
			}
		}
		require.Equal(t, got[0], got[1], "step %s: binding, then fake", s.name)
		if got[0].err != "" {
			failed++
		}
	}
	require.Equal(t, 5, failed, "the refusals were compared, not only the successes")
	for card := range 2 {
		bp, err := b.Partitions(card)
		require.NoError(t, err)
		fp, err := f.Partitions(card)
		require.NoError(t, err)
		require.Len(t, fp, len(bp))
	}
}
