package devlib

// Memory is a device's memory in MiB, as the libraries report it.
type Memory struct {
	TotalMiB uint64
	UsedMiB  uint64
}

// FreeMiB is what is not used; never negative, though a driver may report
// more used than total for a moment.
func (m Memory) FreeMiB() uint64 {
	if m.UsedMiB > m.TotalMiB {
		return 0
	}
	return m.TotalMiB - m.UsedMiB
}
