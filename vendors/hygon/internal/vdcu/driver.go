package vdcu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/atomicfile"
	"github.com/hami-project/hami/common/partition"
)

// ErrNoComputeUnits means a card has too few CUs free for a vDCU.
var ErrNoComputeUnits = errors.New("not enough free compute units")

// ErrCardFull means a card already holds its limit of vDCUs.
var ErrCardFull = errors.New("the card holds its limit of vDCUs")

// Data is what the partition checkpoint keeps of a vDCU (Instance.Data).
type Data struct {
	// Card is the card's index, BusID its PCI address.
	Card  int    `json:"card"`
	BusID string `json:"busID"`
	Mask  Mask   `json:"cuMask"`
	// MemoryMiB is the memory cap.
	MemoryMiB uint64 `json:"memoryMiB"`
	// Dir is the host directory holding the container's vdev0.conf.
	Dir string `json:"dir"`
	// Namespace and Pod name the pod, for metrics and logs.
	Namespace string `json:"namespace,omitempty"`
	Pod       string `json:"pod,omitempty"`
}

// Config is the file content of the vDCU on the card with uuid.
func (d Data) Config(uuid string) Config {
	return Config{DeviceID: d.Card, PCIBusID: d.BusID, UUID: uuid, Mask: d.Mask, MemLimit: d.MemoryMiB << 20}
}

// DataOf reads an instance's Data.
func DataOf(in partition.Instance) (Data, error) {
	return partition.DataOf[Data](in, "vDCU")
}

// Request is one container's vDCU on one card.
type Request struct {
	Pod       types.UID
	Namespace string
	Name      string
	Container string
	// Card is the card's id (the instance's Device), Index its index.
	Card         string
	Index        int
	BusID        string
	ComputeUnits int
	// Cores is the share of the card's CUs in percent.
	Cores     int32
	MemoryMiB uint64
}

// Driver makes vDCUs under a host directory, one directory per container
// (<pod uid>_<container>) holding its vdev0.conf.
type Driver struct {
	root       string
	maxPerCard int
}

var _ partition.Driver = (*Driver)(nil)

// NewDriver returns a Driver writing under root that allows maxPerCard
// vDCUs on a card.
func NewDriver(root string, maxPerCard int) *Driver {
	return &Driver{root: root, maxPerCard: maxPerCard}
}

// Dir is the host directory of a container's vDCU.
func (d *Driver) Dir(pod types.UID, container string) string {
	return filepath.Join(d.root, string(pod)+"_"+container)
}

// Create returns the partition.Create of r's vDCU: its CUs are picked
// among those no live vDCU on the card holds (others are every live
// instance, seen under the partition manager's lock, so two creates never
// pick the same CU).
func (d *Driver) Create(r Request) partition.Create {
	return func(_ context.Context, others []partition.Instance) (partition.Instance, error) {
		taken, onCard, err := holdings(r.Card, others)
		if err != nil {
			return partition.Instance{}, err
		}
		if onCard >= d.maxPerCard {
			return partition.Instance{}, fmt.Errorf("vDCU on %s: %w (%d)", r.Card, ErrCardFull, d.maxPerCard)
		}
		want := ComputeUnitsFor(r.Cores, r.ComputeUnits)
		mask, err := Pick(r.ComputeUnits, taken, want)
		if err != nil {
			return partition.Instance{}, fmt.Errorf("vDCU of %d%% on %s: %w", r.Cores, r.Card, err)
		}
		data, err := json.Marshal(Data{
			Card: r.Index, BusID: r.BusID, Mask: mask, MemoryMiB: r.MemoryMiB,
			Dir: d.Dir(r.Pod, r.Container), Namespace: r.Namespace, Pod: r.Name,
		})
		if err != nil {
			return partition.Instance{}, fmt.Errorf("encode vDCU: %w", err)
		}
		return partition.Instance{
			ID: string(r.Pod) + "_" + r.Container, Profile: fmt.Sprintf("%dcu.%dmib", want, r.MemoryMiB), Data: data,
		}, nil
	}
}

// holdings are the CUs the live vDCUs on card hold, and how many there
// are. An instance whose data cannot be read stops the create: its CUs
// are unknown, and guessing could hand them out twice.
func holdings(card string, others []partition.Instance) (Mask, int, error) {
	var taken Mask
	n := 0
	for _, in := range others {
		if in.Device != card {
			continue
		}
		d, err := DataOf(in)
		if err != nil {
			return Mask{}, 0, err
		}
		taken = taken.Union(d.Mask)
		n++
	}
	return taken, n, nil
}

// Write (re)writes the vDCU's config file, so a kubelet retry after a
// lost file gets it back.
func Write(in partition.Instance) (Data, error) {
	d, err := DataOf(in)
	if err != nil {
		return Data{}, err
	}
	if err := atomicfile.Write(filepath.Join(d.Dir, ConfigFile), d.Config(in.Device).Encode(), 0o644); err != nil {
		return Data{}, fmt.Errorf("vDCU %s: %w", in.ID, err)
	}
	return d, nil
}

// Destroy implements partition.Driver: the container's config directory
// goes. Only a directory named after the instance is removed, so a
// damaged checkpoint cannot point it at anything else.
func (d *Driver) Destroy(_ context.Context, in partition.Instance) error {
	data, err := DataOf(in)
	if err != nil {
		return err
	}
	if filepath.Base(data.Dir) != in.ID || !filepath.IsAbs(data.Dir) {
		return fmt.Errorf("vDCU %s: directory %q is not the instance's: remove it by hand", in.ID, data.Dir)
	}
	if err := os.RemoveAll(data.Dir); err != nil {
		return fmt.Errorf("remove vDCU %s: %w", in.ID, err)
	}
	return nil
}
