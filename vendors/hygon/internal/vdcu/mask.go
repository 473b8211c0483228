package vdcu

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MaxComputeUnits bounds a card's CU count: far above any DCU (120 on a
// K100-AI), it keeps a corrupt mask from asking for huge allocations.
const MaxComputeUnits = 1024

// Mask is a set of one card's compute units: bit i set means CU i. The
// zero Mask is empty. In text it is hexadecimal with a 0x prefix, bit 0
// the lowest, as the DTK runtime reads a CU mask.
type Mask struct {
	words []uint64
}

// MaskOf is the mask of the given CUs.
func MaskOf(cus ...int) Mask {
	var m Mask
	for _, cu := range cus {
		m.set(cu)
	}
	return m
}

func (m *Mask) set(cu int) {
	for len(m.words) <= cu/64 {
		m.words = append(m.words, 0)
	}
	m.words[cu/64] |= 1 << (cu % 64)
}

// Has reports whether CU cu is in the mask.
func (m Mask) Has(cu int) bool {
	if cu < 0 || cu/64 >= len(m.words) {
		return false
	}
	return m.words[cu/64]&(1<<(cu%64)) != 0
}

// Count is the number of CUs in the mask.
func (m Mask) Count() int {
	n := 0
	for _, w := range m.words {
		n += bits.OnesCount64(w)
	}
	return n
}

// Overlaps reports whether a CU is in both masks.
func (m Mask) Overlaps(o Mask) bool {
	for i := range min(len(m.words), len(o.words)) {
		if m.words[i]&o.words[i] != 0 {
			return true
		}
	}
	return false
}

// Union is the CUs in either mask.
func (m Mask) Union(o Mask) Mask {
	out := Mask{words: make([]uint64, max(len(m.words), len(o.words)))}
	copy(out.words, m.words)
	for i, w := range o.words {
		out.words[i] |= w
	}
	return out
}

// Highest is the highest CU in the mask, -1 when it is empty.
func (m Mask) Highest() int {
	for i := len(m.words) - 1; i >= 0; i-- {
		if w := m.words[i]; w != 0 {
			return i*64 + 63 - bits.LeadingZeros64(w)
		}
	}
	return -1
}

// String is the mask in hexadecimal, e.g. "0x1ff" for CUs 0-8.
func (m Mask) String() string {
	top := len(m.words) - 1
	for top > 0 && m.words[top] == 0 {
		top--
	}
	if top < 0 {
		return "0x0"
	}
	var b strings.Builder
	b.WriteString("0x")
	b.WriteString(strconv.FormatUint(m.words[top], 16))
	for i := top - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "%016x", m.words[i])
	}
	return b.String()
}

// ParseMask reads a mask written by String (the 0x prefix is required).
func ParseMask(s string) (Mask, error) {
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" {
		return Mask{}, fmt.Errorf("cu mask %q: want hexadecimal with a 0x prefix", s)
	}
	if len(digits) > MaxComputeUnits/4 {
		return Mask{}, fmt.Errorf("cu mask %q: more than %d compute units", s, MaxComputeUnits)
	}
	var m Mask
	for end := len(digits); end > 0; end -= 16 {
		w, err := strconv.ParseUint(digits[max(end-16, 0):end], 16, 64)
		if err != nil {
			return Mask{}, fmt.Errorf("cu mask %q: %w", s, err)
		}
		m.words = append(m.words, w)
	}
	return m, nil
}

// MarshalText implements encoding.TextMarshaler.
func (m Mask) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Mask) UnmarshalText(b []byte) error {
	parsed, err := ParseMask(string(b))
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}
