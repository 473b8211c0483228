package sdk

import (
	"errors"
	"fmt"

	"github.com/hami-project/hami/common/device"
	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// drmRenderBase is the first DRM render minor: card<N> has renderD<128+N>.
const drmRenderBase = 128

// Device reads one card's identity and fixed facts.
func (b *Binding) Device(index int) (Device, error) {
	dev, err := devIndex("rsmi_dev_id_get", index)
	if err != nil {
		return Device{}, err
	}
	d := Device{Index: index}
	if err := b.identity(dev, &d); err != nil {
		return Device{}, err
	}
	mem, err := b.Memory(index)
	if err != nil {
		return Device{}, err
	}
	d.MemoryMiB = mem.TotalMiB
	if d.NUMANode, err = b.numaNode(dev); err != nil {
		return Device{}, err
	}
	if d.RenderMinor, err = b.renderMinor(dev); err != nil {
		return Device{}, err
	}
	d.CardMinor = d.RenderMinor - drmRenderBase
	if d.ComputeUnits, err = b.computeUnits(index, d.PCIDeviceID); err != nil {
		return Device{}, err
	}
	return d, nil
}

// identity fills the PCI ids, serial and UUID.
func (b *Binding) identity(dev uint32, d *Device) error {
	if err := rsmiStatus(b.rsmi.DevID(dev, &d.PCIDeviceID)); err != nil {
		return fmt.Errorf("rsmi_dev_id_get(%d): %w", dev, err)
	}
	d.Model = modelName(d.PCIDeviceID)
	var bdf uint64
	if err := rsmiStatus(b.rsmi.PCIID(dev, &bdf)); err != nil {
		return fmt.Errorf("rsmi_dev_pci_id_get(%d): %w", dev, err)
	}
	d.BusID = busID(bdf)
	buf := make([]byte, 64)
	if err := rsmiStatus(b.rsmi.Serial(dev, &buf[0], uint32(len(buf)))); err != nil {
		return fmt.Errorf("rsmi_dev_serial_number_get(%d): %w", dev, err)
	}
	d.Serial = dynlib.GoString(buf)
	uuid, err := b.uuid(dev, d.Serial)
	d.UUID = uuid
	return err
}

// uuid is "DCU-" and the card's unique id, or its serial where the library
// has no unique id.
func (b *Binding) uuid(dev uint32, serial string) (string, error) {
	if b.rsmi.UniqueID == nil {
		return "DCU-" + serial, nil
	}
	var id uint64
	if err := rsmiStatus(b.rsmi.UniqueID(dev, &id)); err != nil {
		if errors.Is(err, sdkerr.ErrNotSupported) {
			return "DCU-" + serial, nil
		}
		return "", fmt.Errorf("rsmi_dev_unique_id_get(%d): %w", dev, err)
	}
	return fmt.Sprintf("DCU-%016x", id), nil
}

// busID formats rocm_smi's BDF id: domain << 32 | bus << 8 | dev << 3 | fn.
func busID(bdf uint64) string {
	return fmt.Sprintf("%04x:%02x:%02x.%x", bdf>>32&0xffffffff, bdf>>8&0xff, bdf>>3&0x1f, bdf&0x7)
}

// numaNode is -1 where the platform does not say.
func (b *Binding) numaNode(dev uint32) (int, error) {
	var node uint32
	err := rsmiStatus(b.rsmi.NUMANode(dev, &node))
	switch {
	case errors.Is(err, sdkerr.ErrNotSupported):
		return -1, nil
	case err != nil:
		return 0, fmt.Errorf("rsmi_topo_numa_node_number(%d): %w", dev, err)
	}
	return int(node), nil
}

// renderMinor asks the library; an old one without the call gets the DRM
// numbering the driver uses when nothing else registers DRM devices.
func (b *Binding) renderMinor(dev uint32) (int, error) {
	if b.rsmi.RenderMinor == nil {
		return drmRenderBase + int(dev), nil
	}
	var minor uint32
	if err := rsmiStatus(b.rsmi.RenderMinor(dev, &minor)); err != nil {
		return 0, fmt.Errorf("rsmi_dev_drm_render_minor_get(%d): %w", dev, err)
	}
	return int(minor), nil
}

// computeUnits asks libhydmi.so, or knows the model's count without it.
func (b *Binding) computeUnits(index int, pciID uint16) (int, error) {
	if b.dmiLib == nil {
		if m, ok := ModelByPCIID(pciID); ok {
			return m.ComputeUnits, nil
		}
		return 0, fmt.Errorf("compute units of device %d (PCI id %04x, not a known model): %w", index, pciID, b.dmiErr)
	}
	info, err := b.deviceInfo(index)
	if err != nil {
		return 0, err
	}
	return int(info.ComputeUnitCount), nil
}

func (b *Binding) deviceInfo(index int) (dmiDeviceInfo, error) {
	var info dmiDeviceInfo
	dev, ok := cInt(index)
	if !ok {
		return info, fmt.Errorf("dmiGetDeviceInfo(%d): %w", index, dmiStatus(dmiInvalidArgs))
	}
	if err := dmiStatus(b.dmi.DeviceInfo(dev, &info)); err != nil {
		return info, fmt.Errorf("dmiGetDeviceInfo(%d): %w", index, err)
	}
	return info, nil
}

// Links lists every other card with the link ROCm SMI reports to it.
func (b *Binding) Links(index int) ([]Link, error) {
	src, err := devIndex("rsmi_topo_get_link_type", index)
	if err != nil {
		return nil, err
	}
	n, err := b.DeviceCount()
	if err != nil {
		return nil, err
	}
	if index >= n {
		return nil, fmt.Errorf("rsmi_topo_get_link_type(%d): %w", index, rsmiStatus(rsmiInvalidArgs))
	}
	var links []Link
	for _, peer := range device.Peers(index, n) {
		var hops uint64
		var kind uint32
		if err := rsmiStatus(b.rsmi.LinkType(src, uint32(peer), &hops, &kind)); err != nil {
			return nil, fmt.Errorf("rsmi_topo_get_link_type(%d, %d): %w", index, peer, err)
		}
		k, h := linkKind(kind), int(min(hops, 1<<16))
		links = append(links, Link{Peer: peer, Kind: k, Hops: h, Score: LinkScore(k, h)})
	}
	return links, nil
}

func linkKind(t uint32) LinkKind {
	switch t {
	case rsmiLinkPCIe:
		return LinkPCIe
	case rsmiLinkXGMI:
		return LinkXGMI
	default:
		return LinkUnknown
	}
}
