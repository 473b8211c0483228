package limiter

import (
	"bytes"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// ParseLimits reads a limits file as the library does
// (hami-core/src/limits_file.c), so tests and the monitor see what the
// container sees: `#` comments and blank lines are skipped, the first
// other line is version=1, unknown keys are ignored (a newer plugin's), a
// malformed known key makes the whole file invalid.
func ParseLimits(data []byte) (*Limits, error) {
	if len(data) > maxLimitsBytes {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrBadLimits, len(data), maxLimitsBytes)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: NUL byte", ErrBadLimits)
	}
	l := &Limits{Policy: PolicyDefault}
	versioned := false
	for n, line := range strings.Split(string(data), "\n") {
		s := trimBlank(line)
		if s == "" || s[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("%w: line %d: no '='", ErrBadLimits, n+1)
		}
		key, val = trimBlank(key), trimBlank(val)
		var err error
		if !versioned {
			if key != "version" || val != strconv.Itoa(LimitsVersion) {
				return nil, fmt.Errorf("%w: line %d: the first setting must be version=%d, not %s=%s", ErrBadLimits, n+1, LimitsVersion, key, val)
			}
			versioned = true
			continue
		}
		if err = l.apply(key, val); err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrBadLimits, n+1, err)
		}
	}
	if !versioned {
		return nil, fmt.Errorf("%w: no version line", ErrBadLimits)
	}
	return l, nil
}

// trimBlank trims what the library trims: spaces and tabs, and a trailing
// carriage return.
func trimBlank(s string) string {
	s = strings.TrimLeft(s, " \t")
	return strings.TrimRight(s, " \t\r")
}

func (l *Limits) apply(key, val string) error {
	var err error
	switch key {
	case "policy":
		l.Policy, err = ParsePolicy(val)
	case "allow_disable":
		l.AllowDisable, err = parseBool(key, val)
	case "oversubscribe":
		l.Oversubscribe, err = parseBool(key, val)
	case "region":
		if !strings.HasPrefix(val, "/") || len(val) >= 4096 {
			return fmt.Errorf("region %q: must be an absolute path", val)
		}
		l.Region = val
	default:
		return l.applyDevice(key, val)
	}
	return err
}

func parseBool(key, val string) (bool, error) {
	switch val {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	default:
		return false, fmt.Errorf("%s=%q: must be true or false", key, val)
	}
}

// applyDevice sets memory[.i] and core[.i]; a key without an index sets
// every device. A key that is neither is ignored, as the library does.
func (l *Limits) applyDevice(key, val string) error {
	if d, ok := deviceSuffix(key, "memory"); ok {
		b, err := parseSize(val)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		for i := range l.Memory {
			if d < 0 || d == i {
				l.Memory[i] = b
			}
		}
		return nil
	}
	if d, ok := deviceSuffix(key, "core"); ok {
		c, err := parsePercent(val)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		for i := range l.Core {
			if d < 0 || d == i {
				l.Core[i] = c
			}
		}
	}
	return nil
}

// deviceSuffix: "memory.3" -> 3; "memory" -> -1 (every device); ok false
// when the key is another one (or an index out of range).
func deviceSuffix(key, name string) (int, bool) {
	rest, found := strings.CutPrefix(key, name)
	if !found {
		return 0, false
	}
	if rest == "" {
		return -1, true
	}
	digits, found := strings.CutPrefix(rest, ".")
	if !found || !allDigits(digits) {
		return 0, false
	}
	i, err := strconv.Atoi(digits)
	if err != nil || i >= MaxDevices {
		return 0, false
	}
	return i, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseSize reads bytes with an optional k, m or g suffix.
func parseSize(s string) (uint64, error) {
	num, shift := s, 0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			num, shift = s[:n-1], 10
		case 'm', 'M':
			num, shift = s[:n-1], 20
		case 'g', 'G':
			num, shift = s[:n-1], 30
		}
	}
	if !allDigits(num) {
		return 0, fmt.Errorf("size %q: want bytes or a k, m or g suffix", s)
	}
	v, err := strconv.ParseUint(num, 10, 64)
	if err != nil || bits.LeadingZeros64(v) < shift {
		return 0, fmt.Errorf("size %q: out of range", s)
	}
	return v << shift, nil
}

// parsePercent reads 0-100; 100 means no limit and reads as 0.
func parsePercent(s string) (int, error) {
	if !allDigits(s) {
		return 0, fmt.Errorf("percent %q: want 0-100", s)
	}
	v, err := strconv.Atoi(s)
	if err != nil || v > 100 {
		return 0, fmt.Errorf("percent %q: want 0-100", s)
	}
	if v == 100 {
		return 0, nil
	}
	return v, nil
}
