package extender

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// The answers to filter and prioritize are written as JSON straight from
// the per-node verdicts, into pooled buffers. On a large fleet they are
// lists of thousands of entries per call; building them as
// ExtenderFilterResult and HostPriorityList first and encoding those by
// reflection made the extender's garbage per call several hundred
// kilobytes, and the collections it set off were the tail of its latency.
// The shapes are those of k8s.io/kube-scheduler/extender/v1 (which has no
// JSON tags, so the field names are the Go names); the tests decode every
// answer into those types.

// maxPooled bounds the buffers kept for reuse, so that one huge answer does
// not pin its memory for good.
const maxPooled = 4 << 20

var buffers = sync.Pool{New: func() any { return new([]byte) }}

func getBuffer() *[]byte {
	b := buffers.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

func putBuffer(b *[]byte) {
	if cap(*b) <= maxPooled {
		buffers.Put(b)
	}
}

// jsonFilter writes filter's verdicts as an ExtenderFilterResult. Passing
// names and failures arrive interleaved, so each list has its own buffer
// until finish joins them.
type jsonFilter struct {
	passed, failed *[]byte
	refused        string // the error answering the whole call; never empty when set
}

func newJSONFilter() *jsonFilter {
	return &jsonFilter{passed: getBuffer(), failed: getBuffer()}
}

func (f *jsonFilter) pass(node string) {
	if len(*f.passed) > 0 {
		*f.passed = append(*f.passed, ',')
	}
	*f.passed = appendString(*f.passed, node)
}

func (f *jsonFilter) fail(node, reason string) {
	if len(*f.failed) > 0 {
		*f.failed = append(*f.failed, ',')
	}
	*f.failed = appendString(*f.failed, node)
	*f.failed = append(*f.failed, ':')
	*f.failed = appendString(*f.failed, reason)
}

func (f *jsonFilter) refuse(msg string) { f.refused = msg }

// finish appends the answer to dst and hands the buffers back.
func (f *jsonFilter) finish(dst []byte) []byte {
	dst = append(dst, `{"NodeNames":`...)
	if f.refused != "" {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		dst = append(dst, *f.passed...)
		dst = append(dst, ']')
	}
	dst = append(dst, `,"FailedNodes":{`...)
	dst = append(dst, *f.failed...)
	dst = append(dst, `},"Error":`...)
	dst = appendString(dst, f.refused)
	dst = append(dst, '}')
	putBuffer(f.passed)
	putBuffer(f.failed)
	f.passed, f.failed = nil, nil
	return dst
}

// appendPriorities appends a HostPriorityList of the nodes with a score
// above zero.
func appendPriorities(dst []byte, names []string, scores []int8) []byte {
	dst = append(dst, '[')
	first := true
	for i, name := range names {
		if scores[i] <= 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, `{"Host":`...)
		dst = appendString(dst, name)
		dst = append(dst, `,"Score":`...)
		dst = strconv.AppendInt(dst, int64(scores[i]), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// plain marks the bytes a JSON string holds as they are: printable ASCII
// other than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string: quote, backslash and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, as encoding/json
// writes it. Node names and most reasons are plain ASCII, copied whole.
func appendString(dst []byte, s string) []byte {
	i := 0
	for i < len(s) && plain[s[i]] {
		i++
	}
	dst = append(dst, '"')
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	return appendEscaped(dst, s, i)
}

// appendEscaped writes s from its first byte that is not plain, at i,
// after copying what precedes it; dst already has the opening quote.
func appendEscaped(dst []byte, s string, i int) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, s[:i]...)
	start := i
	for i < len(s) {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				start = i + size
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
