package sdk

import (
	"fmt"
	"slices"

	"github.com/hami-project/hami/common/dynlib"
	"github.com/hami-project/hami/common/sdkerr"
)

// maxCards bounds the card list DCMI fills.
const maxCards = 64

// enumerate walks cards and their devices into a table in logic-id order.
func (b *Binding) enumerate() ([]dieAddr, error) {
	cards := make([]int32, maxCards)
	var n int32
	if err := check("dcmi_get_card_list()", b.fn.CardList(&n, &cards[0], maxCards)); err != nil {
		return nil, err
	}
	if n < 0 || n > maxCards {
		return nil, fmt.Errorf("dcmi_get_card_list: %d cards: %w", n, sdkerr.ErrFailure)
	}
	devices := []dieAddr{}
	for _, card := range cards[:n] {
		var count int32
		if err := check(fmt.Sprintf("dcmi_get_device_num_in_card(%d)", card), b.fn.DeviceNumInCard(card, &count)); err != nil {
			return nil, err
		}
		for dev := range count {
			d, err := b.describe(card, dev)
			if err != nil {
				return nil, err
			}
			devices = append(devices, d)
		}
	}
	slices.SortFunc(devices, func(a, b dieAddr) int { return int(a.logic) - int(b.logic) })
	return devices, nil
}

// describe learns one die's numbers and model.
func (b *Binding) describe(card, dev int32) (dieAddr, error) {
	d := dieAddr{card: card, dev: dev}
	var logic int32
	if err := check(fmt.Sprintf("dcmi_get_device_logic_id(%d, %d)", card, dev), b.fn.LogicID(&logic, card, dev)); err != nil {
		return d, err
	}
	d.logic = uint32(logic)
	if err := check(fmt.Sprintf("dcmi_get_device_phyid_from_logicid(%d)", logic), b.fn.PhyIDFromLogicID(d.logic, &d.phy)); err != nil {
		return d, err
	}
	if err := check(fmt.Sprintf("dcmi_get_device_chip_info(%d, %d)", card, dev), b.fn.ChipInfo(card, dev, &d.chip)); err != nil {
		return d, err
	}
	mem, err := b.memory(d)
	if err != nil {
		return d, err
	}
	d.model, d.known = ResolveModel(dynlib.GoString(d.chip.ChipName[:]), mem.TotalMiB)
	return d, nil
}

// Device is the identity of device index.
func (b *Binding) Device(index int) (Device, error) {
	d, err := b.die(index)
	if err != nil {
		return Device{}, err
	}
	var die cDieID
	if err := check(fmt.Sprintf("dcmi_get_device_die_v2(%d, %d)", d.card, d.dev), b.fn.DieV2(d.card, d.dev, dieTypeNDIE, &die)); err != nil {
		return Device{}, err
	}
	model := dynlib.GoString(d.chip.ChipName[:])
	if d.known {
		model = d.model.Name
	}
	return Device{
		Index: index, LogicID: d.logic, PhyID: d.phy, CardID: int(d.card), DeviceID: int(d.dev),
		UUID: FormatDieID(die.SocDie), Model: model,
		ChipType: dynlib.GoString(d.chip.ChipType[:]), ChipVersion: dynlib.GoString(d.chip.ChipVer[:]),
		AICores: int(d.chip.AICoreCnt),
	}, nil
}

// FormatDieID is the UUID of a die: its five id words in hex.
func FormatDieID(words [5]uint32) string {
	return fmt.Sprintf("%08X-%08X-%08X-%08X-%08X", words[0], words[1], words[2], words[3], words[4])
}

// Memory is the die's memory: HBM on the 910 family, DDR otherwise.
func (b *Binding) Memory(index int) (Memory, error) {
	d, err := b.die(index)
	if err != nil {
		return Memory{}, err
	}
	return b.memory(d)
}

func (b *Binding) memory(d dieAddr) (Memory, error) {
	if b.fn.HBMInfo != nil && (!d.known || d.model.HBM) {
		var hbm cHBMInfo
		err := check(fmt.Sprintf("dcmi_get_device_hbm_info(%d, %d)", d.card, d.dev), b.fn.HBMInfo(d.card, d.dev, &hbm))
		if err == nil && hbm.MemorySize > 0 {
			return Memory{TotalMiB: hbm.MemorySize, UsedMiB: hbm.MemoryUsage}, nil
		}
		if err != nil && (d.known || b.fn.MemoryInfoV3 == nil) {
			return Memory{}, err
		}
	}
	if b.fn.MemoryInfoV3 == nil {
		return Memory{}, fmt.Errorf("dcmi_get_device_memory_info_v3: %w", sdkerr.ErrNotSupported)
	}
	var m cMemoryInfo
	if err := check(fmt.Sprintf("dcmi_get_device_memory_info_v3(%d, %d)", d.card, d.dev), b.fn.MemoryInfoV3(d.card, d.dev, &m)); err != nil {
		return Memory{}, err
	}
	used := uint64(0)
	if m.MemorySize > m.MemoryAvailable {
		used = m.MemorySize - m.MemoryAvailable
	}
	return Memory{TotalMiB: m.MemorySize, UsedMiB: used}, nil
}

// Utilization is the die's AI-core utilisation in percent.
func (b *Binding) Utilization(index int) (int, error) {
	d, err := b.die(index)
	if err != nil {
		return 0, err
	}
	var rate uint32
	if err := check(fmt.Sprintf("dcmi_get_device_utilization_rate(%d, %d, aicore)", d.card, d.dev), b.fn.Utilization(d.card, d.dev, utilAICore, &rate)); err != nil {
		return 0, err
	}
	return int(rate), nil
}

// Health is the die's health level.
func (b *Binding) Health(index int) (Health, error) {
	d, err := b.die(index)
	if err != nil {
		return 0, err
	}
	var h uint32
	if err := check(fmt.Sprintf("dcmi_get_device_health(%d, %d)", d.card, d.dev), b.fn.Health(d.card, d.dev, &h)); err != nil {
		return 0, err
	}
	return Health(h), nil
}

// Links follow the model's HCCS groups by physical id.
func (b *Binding) Links(index int) ([]Link, error) {
	d, err := b.die(index)
	if err != nil {
		return nil, err
	}
	b.mu.RLock()
	peers := make(map[int]uint32, len(b.devices))
	for i, p := range b.devices {
		peers[i] = p.phy
	}
	b.mu.RUnlock()
	return d.model.Links(d.phy, peers), nil
}

// Templates are the model's vNPU templates; none for a model we do not know.
func (b *Binding) Templates(index int) ([]Template, error) {
	d, err := b.die(index)
	if err != nil {
		return nil, err
	}
	if !d.known {
		return nil, fmt.Errorf("templates of chip %q: %w", dynlib.GoString(d.chip.ChipName[:]), sdkerr.ErrNotSupported)
	}
	return slices.Clone(d.model.Templates), nil
}
