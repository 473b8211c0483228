package mlunode

import (
	"fmt"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/vendors/cambricon/sdk"
)

// Modes of a Cambricon card.
const (
	// ModeSMLU is a share of a card as an sMLU instance the driver
	// enforces: cores in percent, memory in 256 MiB steps.
	ModeSMLU = "smlu"
)

// MaxInstances is how many sMLU instances the driver lets one card hold.
const MaxInstances = 16

// Card is one MLU card as discovered.
type Card struct {
	sdk.Device
	MemoryMiB int
	NUMA      int
	SMLU      bool
	Links     []sdk.Link
}

// Discover reads every card CNDev reports.
func Discover(lib sdk.Library) ([]Card, error) {
	n, err := lib.DeviceCount()
	if err != nil {
		return nil, fmt.Errorf("count cards: %w", err)
	}
	cards := make([]Card, 0, n)
	for i := range n {
		c, err := discoverCard(lib, i)
		if err != nil {
			return nil, fmt.Errorf("card %d: %w", i, err)
		}
		cards = append(cards, c)
	}
	return cards, nil
}

func discoverCard(lib sdk.Library, i int) (Card, error) {
	d, err := lib.Device(i)
	if err != nil {
		return Card{}, err
	}
	mem, err := lib.Memory(i)
	if err != nil {
		return Card{}, err
	}
	numa, err := lib.NUMANode(i)
	if err != nil {
		return Card{}, err
	}
	smlu, err := lib.SMLUEnabled(i)
	if err != nil {
		return Card{}, err
	}
	links, err := lib.Links(i)
	if err != nil {
		return Card{}, err
	}
	return Card{Device: d, MemoryMiB: mem.TotalMiB, NUMA: max(numa, 0), SMLU: smlu, Links: links}, nil
}

// Modes says how a card may be used: shared as sMLU instances and whole
// where the card is in sMLU mode, else only whole.
func (c Card) Modes() []string {
	if c.SMLU {
		return []string{ModeSMLU, device.ModeExclusive}
	}
	return []string{device.ModeExclusive}
}

// device is the card as the inventory describes it. An MLU-Link peer
// scores as a device fabric; cards without one are reached over PCIe,
// which the scheduler's default covers.
func (c Card) device(all []Card) device.Device {
	d := device.Device{
		ID: c.UUID, Index: c.Index, Type: c.Model, MemoryMiB: int64(c.MemoryMiB),
		MemoryUnitMiB: sdk.MemoryStepMiB, Cores: 100, NUMA: c.NUMA, Modes: c.Modes(), SplitCount: 1,
	}
	if c.SMLU {
		d.SplitCount = MaxInstances
	}
	for _, l := range c.Links {
		if l.Peer < 0 || l.Peer >= len(all) || l.Kind != sdk.LinkMLULink {
			continue
		}
		if d.Links == nil {
			d.Links = map[string]int32{}
		}
		d.Links[all[l.Peer].UUID] = device.ScoreFabric
	}
	return d
}
