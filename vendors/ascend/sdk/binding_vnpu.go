package sdk

import (
	"fmt"
	"unsafe"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// CreatePartition makes a vNPU of template on device index; the driver
// picks its id.
func (b *Binding) CreatePartition(index int, template string) (Partition, error) {
	d, err := b.die(index)
	if err != nil {
		return Partition{}, err
	}
	if len(template) == 0 || len(template) >= templateNameLen {
		return Partition{}, fmt.Errorf("template %q: %w", template, sdkerr.ErrInvalidArgument)
	}
	in := cCreateVDevRes{VDevID: vdevIDAny, VFGID: vdevIDAny}
	copy(in.TemplateName[:], template)
	var out cCreateVDevOut
	call := fmt.Sprintf("dcmi_create_vdevice(%d, %d, %s)", d.card, d.dev, template)
	if err := check(call, b.fn.CreateVDevice(d.card, d.dev, &in, &out)); err != nil {
		return Partition{}, err
	}
	p := Partition{ID: out.VDevID, DeviceIndex: index, Template: template, VFGID: out.VFGID}
	if t, ok := d.model.Template(template); ok {
		p.MemoryMiB, p.AICores = t.MemoryMiB, t.AICores
	}
	return p, nil
}

// DestroyPartition removes vNPU id from device index.
func (b *Binding) DestroyPartition(index int, id uint32) error {
	d, err := b.die(index)
	if err != nil {
		return err
	}
	return check(fmt.Sprintf("dcmi_set_destroy_vdevice(%d, %d, %d)", d.card, d.dev, id), b.fn.DestroyVDevice(d.card, d.dev, id))
}

// Partitions lists the vNPUs of device index through dcmi_get_device_info's
// vNPU management commands.
func (b *Binding) Partitions(index int) ([]Partition, error) {
	d, err := b.die(index)
	if err != nil {
		return nil, err
	}
	if b.fn.DeviceInfo == nil {
		return nil, fmt.Errorf("dcmi_get_device_info: %w", sdkerr.ErrNotSupported)
	}
	var total cSocTotalResource
	size := uint32(unsafe.Sizeof(total))
	call := fmt.Sprintf("dcmi_get_device_info(%d, %d, vdev_mng, total_resource)", d.card, d.dev)
	if err := check(call, b.fn.DeviceInfo(d.card, d.dev, mainCmdVDevMng, subCmdTotalRes, unsafe.Pointer(&total), &size)); err != nil {
		return nil, err
	}
	if total.VDevNum > maxVDevNum {
		return nil, fmt.Errorf("%s: %d vNPUs: %w", call, total.VDevNum, sdkerr.ErrFailure)
	}
	out := make([]Partition, 0, total.VDevNum)
	for _, id := range total.VDevID[:total.VDevNum] {
		p, err := b.partition(d, index, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (b *Binding) partition(d dieAddr, index int, id uint32) (Partition, error) {
	q := cVDevQuery{VDevID: id}
	size := uint32(unsafe.Sizeof(q))
	call := fmt.Sprintf("dcmi_get_device_info(%d, %d, vdev_mng, vdev_resource %d)", d.card, d.dev, id)
	if err := check(call, b.fn.DeviceInfo(d.card, d.dev, mainCmdVDevMng, subCmdVDevRes, unsafe.Pointer(&q), &size)); err != nil {
		return Partition{}, err
	}
	return Partition{
		ID: id, DeviceIndex: index, Template: dynlib.GoString(q.QueryInfo.Name[:]),
		MemoryMiB: q.QueryInfo.Computing.MemorySize, AICores: int(q.QueryInfo.Computing.AIC),
		VFGID: q.QueryInfo.VFGID,
	}, nil
}
