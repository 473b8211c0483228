package sdk

import (
	"fmt"
	"strings"
)

// HealthBits are the error bits ixmlDeviceGetHealth reports; 0 is healthy.
type HealthBits uint64

// The health bits, as in testdata/ixml.h.
const (
	HealthSysHubError HealthBits = 1 << iota
	HealthMCError
	HealthOverheat
	HealthECCError
	HealthMemoryError
	HealthPCIeError
)

// healthNames is the name of each bit, lowest bit first.
func healthNames() [6]string {
	return [6]string{"syshub-error", "mc-error", "overheat", "ecc-error", "memory-error", "pcie-error"}
}

// String names the set bits ("healthy" for none), e.g. "ecc-error,overheat";
// unknown bits show in hex so a newer driver's reasons are not lost.
func (b HealthBits) String() string {
	if b == 0 {
		return "healthy"
	}
	var names []string
	rest := b
	for i, name := range healthNames() {
		if bit := HealthBits(1) << i; b&bit != 0 {
			names = append(names, name)
			rest &^= bit
		}
	}
	if rest != 0 {
		names = append(names, fmt.Sprintf("%#x", uint64(rest)))
	}
	return strings.Join(names, ",")
}

// Health is a chip's health as polled: the driver raises no events for it.
type Health struct {
	Bits HealthBits
}

// Healthy reports whether the chip may take new work.
func (h Health) Healthy() bool { return h.Bits == 0 }
