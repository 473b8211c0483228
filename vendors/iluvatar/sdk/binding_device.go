package sdk

// Device reads the chip's identity: index, UUID, minor number, name,
// serial and NUMA node.
func (b *Binding) Device(index int) (Device, error) {
	d, err := b.handle(index)
	if err != nil {
		return Device{}, err
	}
	dev := Device{NUMANode: -1}
	var idx, minor uint32
	if err := check(b.fn.Index(d, &idx), "ixmlDeviceGetIndex", index); err != nil {
		return Device{}, err
	}
	if err := check(b.fn.Minor(d, &minor), "ixmlDeviceGetMinorNumber", index); err != nil {
		return Device{}, err
	}
	dev.Index, dev.Minor = int(idx), int(minor)
	if dev.UUID, err = text(b.fn.UUID, d, uuidBufferSize, "ixmlDeviceGetUUID", index); err != nil {
		return Device{}, err
	}
	if dev.Name, err = text(b.fn.Name, d, nameBufferSize, "ixmlDeviceGetName", index); err != nil {
		return Device{}, err
	}
	if dev.Serial, err = text(b.fn.Serial, d, serialBufferSize, "ixmlDeviceGetSerial", index); err != nil {
		return Device{}, err
	}
	if dev.NUMANode, err = b.numaNode(d, index); err != nil {
		return Device{}, err
	}
	return dev, nil
}

// numaNode is -1 when the driver lacks the call or does not support it for
// this chip: an unknown NUMA node is a fact of older drivers, not a fault.
func (b *Binding) numaNode(d ixmlDevice, index int) (int, error) {
	if b.fn.NUMANode == nil {
		return -1, nil
	}
	var node uint32
	code := b.fn.NUMANode(d, &node)
	if code == ErrorNotSupported {
		return -1, nil
	}
	if err := check(code, "ixmlDeviceGetNumaNodeId", index); err != nil {
		return -1, err
	}
	return int(node), nil
}

// Memory reads the chip's memory (ixmlDeviceGetMemoryInfo). Used rounds up
// to the MiB so usage is never under-reported; Free is what is left of the
// rounded-down total.
func (b *Binding) Memory(index int) (Memory, error) {
	d, err := b.handle(index)
	if err != nil {
		return Memory{}, err
	}
	var m ixmlMemory
	if err := check(b.fn.MemoryInfo(d, &m), "ixmlDeviceGetMemoryInfo", index); err != nil {
		return Memory{}, err
	}
	return memoryMiB(m.Total, m.Used), nil
}

func memoryMiB(totalBytes, usedBytes uint64) Memory {
	total := totalBytes / mib
	used := min((usedBytes+mib-1)/mib, total)
	return Memory{TotalMiB: total, UsedMiB: used, FreeMiB: total - used}
}

// Utilization reads the chip's busy percentages
// (ixmlDeviceGetUtilizationRates).
func (b *Binding) Utilization(index int) (Utilization, error) {
	d, err := b.handle(index)
	if err != nil {
		return Utilization{}, err
	}
	var u ixmlUtilization
	if err := check(b.fn.Utilization(d, &u), "ixmlDeviceGetUtilizationRates", index); err != nil {
		return Utilization{}, err
	}
	return Utilization{GPUPercent: int(u.GPU), MemoryPercent: int(u.Memory)}, nil
}

// Health reads the chip's health bits (ixmlDeviceGetHealth).
func (b *Binding) Health(index int) (Health, error) {
	d, err := b.handle(index)
	if err != nil {
		return Health{}, err
	}
	var bits uint64
	if err := check(b.fn.Health(d, &bits), "ixmlDeviceGetHealth", index); err != nil {
		return Health{}, err
	}
	return Health{Bits: HealthBits(bits)}, nil
}
