package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hami-project/hami/common/atomicfile"
	"os"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hami-project/hami/common/codec"
)

// Schema of the ledger checkpoint.
const (
	LedgerAPIVersionV1 = "checkpoint.plugin.hami.io/v1"
	LedgerKind         = "ServedContainers"
)

// LedgerCheckpoint is the on-disk form of the Ledger.
type LedgerCheckpoint struct {
	APIVersion string                 `json:"apiVersion"`
	Kind       string                 `json:"kind"`
	Served     map[types.UID][]string `json:"served"`
}

// Ledger remembers which containers of which pods were answered, so a
// container is never answered twice and a plugin restart in the middle of a
// pod's admission does not answer its first containers again. It is written
// to a checkpoint file (when a path is given) on every change.
type Ledger struct {
	path string
	// mu guards served.
	mu     sync.Mutex
	served map[types.UID]map[string]bool
}

// NewLedger loads the checkpoint at path, or starts empty when it does not
// exist. An empty path keeps the ledger in memory only.
func NewLedger(path string) (*Ledger, error) {
	l := &Ledger{path: path, served: map[types.UID]map[string]bool{}}
	if path == "" {
		return l, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ledger %s: %w", path, err)
	}
	f, err := DecodeLedger(data)
	if err != nil {
		return nil, fmt.Errorf("read ledger %s: %w", path, err)
	}
	for uid, cs := range f.Served {
		for _, c := range cs {
			l.markLocked(uid, c)
		}
	}
	return l, nil
}

// DecodeLedger parses a checkpoint. Stored state outlives upgrades, so
// unknown fields are ignored; the version must be known.
func DecodeLedger(data []byte) (*LedgerCheckpoint, error) {
	h, err := codec.PeekHeader(data)
	if err != nil {
		return nil, fmt.Errorf("decode ledger: %w", err)
	}
	if h.APIVersion != LedgerAPIVersionV1 || h.Kind != LedgerKind {
		return nil, fmt.Errorf("decode ledger: %s/%s is not supported", h.APIVersion, h.Kind)
	}
	f := &LedgerCheckpoint{}
	if err := codec.LenientJSON(data, f); err != nil {
		return nil, fmt.Errorf("decode ledger: %w", err)
	}
	return f, nil
}

// Served reports whether the container of the pod was answered.
func (l *Ledger) Served(uid types.UID, container string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.served[uid][container]
}

// Started reports whether any container of the pod was answered.
func (l *Ledger) Started(uid types.UID) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.served[uid]) > 0
}

// Mark records an answered container and saves the checkpoint.
func (l *Ledger) Mark(uid types.UID, container string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.markLocked(uid, container)
	return l.saveLocked()
}

func (l *Ledger) markLocked(uid types.UID, container string) {
	if l.served[uid] == nil {
		l.served[uid] = map[string]bool{}
	}
	l.served[uid][container] = true
}

// Keep forgets every pod not in keep (pods no longer allocating).
func (l *Ledger) Keep(keep map[types.UID]bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	changed := false
	for uid := range l.served {
		if !keep[uid] {
			delete(l.served, uid)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return l.saveLocked()
}

func (l *Ledger) saveLocked() error {
	if l.path == "" {
		return nil
	}
	f := LedgerCheckpoint{APIVersion: LedgerAPIVersionV1, Kind: LedgerKind, Served: map[types.UID][]string{}}
	for uid, cs := range l.served {
		for c := range cs {
			f.Served[uid] = append(f.Served[uid], c)
		}
		sort.Strings(f.Served[uid])
	}
	data, err := json.Marshal(&f)
	if err != nil {
		return fmt.Errorf("encode ledger: %w", err)
	}
	return atomicfile.Write(l.path, data, 0o644)
}
