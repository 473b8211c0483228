package sdk

import (
	"fmt"

	"github.com/hami-project/hami/common/sdkerr"
)

// Device is the chip's identity.
func (f *Fake) Device(index int) (Device, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.chip(index)
	if err != nil {
		return Device{}, err
	}
	return c.dev, nil
}

// Memory is the chip's memory, with what SetUsed last set as used.
func (f *Fake) Memory(index int) (Memory, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.chip(index)
	if err != nil {
		return Memory{}, err
	}
	total := f.model.MemoryMiB
	return Memory{TotalMiB: total, UsedMiB: c.usedMi, FreeMiB: total - c.usedMi}, nil
}

// Utilization is what SetUtilization last set (0 at start).
func (f *Fake) Utilization(index int) (Utilization, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.chip(index)
	if err != nil {
		return Utilization{}, err
	}
	return c.util, nil
}

// Health is the chip's health bits.
func (f *Fake) Health(index int) (Health, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.chip(index)
	if err != nil {
		return Health{}, err
	}
	return Health{Bits: c.health}, nil
}

// Links is how every other chip is reached: the other chip of a board, a
// shared PCIe switch (boards 2k and 2k+1), the same NUMA node, or across
// the system.
func (f *Fake) Links(index int) ([]Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.session.IsOpen() {
		return nil, check(ErrorUninitialized, "ixmlDeviceGetCount_v2")
	}
	self, err := f.chip(index)
	if err != nil {
		return nil, err
	}
	links := make([]Link, 0, len(f.chips)-1)
	for i := range f.chips {
		if i != index {
			links = append(links, Link{Peer: i, Kind: fakeLink(self, &f.chips[i])})
		}
	}
	return links, nil
}

func fakeLink(a, b *fakeChip) LinkKind {
	switch {
	case a.board == b.board:
		return LinkBoard
	case a.board/2 == b.board/2:
		return LinkSingle
	case a.dev.NUMANode == b.dev.NUMANode:
		return LinkNode
	}
	return LinkSystem
}

// SetHealthy makes a chip healthy, or unhealthy with an ECC error, as
// the next Health poll will see (the library has no health events).
func (f *Fake) SetHealthy(index int, healthy bool) error {
	bits := HealthECCError
	if healthy {
		bits = 0
	}
	return f.SetHealthBits(index, bits)
}

// SetHealthBits sets a chip's health bits.
func (f *Fake) SetHealthBits(index int, bits HealthBits) error {
	return f.control(index, "set health", func(c *fakeChip) error {
		c.health = bits
		return nil
	})
}

// SetUsed sets the memory in use on a chip, at most all of it.
func (f *Fake) SetUsed(index int, usedMiB uint64) error {
	return f.control(index, "set used memory", func(c *fakeChip) error {
		if usedMiB > f.model.MemoryMiB {
			return fmt.Errorf("%d MiB is more than the chip's %d MiB: %w", usedMiB, f.model.MemoryMiB, sdkerr.ErrInvalidArgument)
		}
		c.usedMi = usedMiB
		return nil
	})
}

// SetUtilization sets a chip's busy percentages, each 0..100.
func (f *Fake) SetUtilization(index int, u Utilization) error {
	return f.control(index, "set utilisation", func(c *fakeChip) error {
		if u.GPUPercent < 0 || u.GPUPercent > 100 || u.MemoryPercent < 0 || u.MemoryPercent > 100 {
			return fmt.Errorf("%+v: percentages are 0..100: %w", u, sdkerr.ErrInvalidArgument)
		}
		c.util = u
		return nil
	})
}

// control changes chip index under the lock; it works whether or not the
// library is initialised, as the hardware changes regardless.
func (f *Fake) control(index int, what string, change func(*fakeChip) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if index < 0 || index >= len(f.chips) {
		return fmt.Errorf("%s of fake chip %d: no such chip (0..%d): %w", what, index, len(f.chips)-1, sdkerr.ErrInvalidArgument)
	}
	if err := change(&f.chips[index]); err != nil {
		return fmt.Errorf("%s of fake chip %d: %w", what, index, err)
	}
	return nil
}
