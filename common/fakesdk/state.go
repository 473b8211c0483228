package fakesdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/hami-project/hami/common/atomicfile"
	"github.com/hami-project/hami/common/codec"
)

// KindState is the kind of every state file.
const KindState = "FakeDriverState"

// State keeps a fake driver's mutable state (the partitions it made) in a
// file, as a real driver keeps them across a plugin restart. An empty path
// keeps it in memory only. The file is stored state, so it is decoded
// leniently; its apiVersion must match.
type State[T any] struct {
	path       string
	apiVersion string

	// mu guards the in-memory copy and serialises writes.
	mu    sync.Mutex
	value T
}

type stateFile[T any] struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	State      T      `json:"state"`
}

// OpenState loads the state at path (the zero T when the file is absent).
func OpenState[T any](path, apiVersion string) (*State[T], error) {
	s := &State[T]{path: path, apiVersion: apiVersion}
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read fake driver state %s: %w", path, err)
	}
	var f stateFile[T]
	if err := codec.LenientJSON(data, &f); err != nil {
		return nil, fmt.Errorf("fake driver state %s: %w", path, err)
	}
	if f.APIVersion != apiVersion || f.Kind != KindState {
		return nil, fmt.Errorf("fake driver state %s: %s/%s is not supported (want %s/%s)", path, f.APIVersion, f.Kind, apiVersion, KindState)
	}
	s.value = f.State
	return s, nil
}

// Update runs change on the state under the lock and saves the result; when
// change or the save fails, the state is left as it was.
func (s *State[T]) Update(change func(*T) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next, err := clone(s.value)
	if err != nil {
		return err
	}
	if err := change(&next); err != nil {
		return err
	}
	if s.path != "" {
		data, err := json.Marshal(stateFile[T]{APIVersion: s.apiVersion, Kind: KindState, State: next})
		if err != nil {
			return fmt.Errorf("encode fake driver state: %w", err)
		}
		if err := atomicfile.Write(s.path, data, 0o644); err != nil {
			return err
		}
	}
	s.value = next
	return nil
}

// Read runs read on the current state under the lock; read must not keep
// references into it.
func (s *State[T]) Read(read func(T)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	read(s.value)
}

// clone deep-copies v through JSON, so a failed change leaves no trace.
func clone[T any](v T) (T, error) {
	var out T
	data, err := json.Marshal(v)
	if err != nil {
		return out, fmt.Errorf("copy fake driver state: %w", err)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return out, fmt.Errorf("copy fake driver state: %w", err)
	}
	return out, nil
}
