// Package sdkerr is the error every vendor management-library binding (and
// its fake) returns for a call that failed with a return code: the call and
// its arguments, the code and its name in the vendor's header, unwrapping
// to the sentinel error the code means, so callers test with errors.Is and
// need not know the codes. A vendor supplies only its table of codes.
package sdkerr

import (
	"fmt"
	"strings"
)

// Code is a vendor library's return-code type.
type Code interface {
	~int | ~int32 | ~int64 | ~uint32
}

// Entry names one code and the sentinel it means (nil: the table's
// fallback).
type Entry[C Code] struct {
	Code     C
	Name     string
	Sentinel error
}

// Table is a vendor's return codes. It is a value built by a function of
// the vendor package, so no mutable state is shared between callers.
type Table[C Code] struct {
	// Success is the code that is not an error.
	Success C
	// Entries name the codes the header defines.
	Entries []Entry[C]
	// Unknown names a code missing from Entries.
	Unknown func(C) string
	// Fallback is the sentinel of a code without one.
	Fallback error
	// CodeFirst writes the number before the name ("-8001 NAME") as the
	// vendor's own tools do; otherwise "NAME (6)".
	CodeFirst bool
}

func (t Table[C]) entry(c C) Entry[C] {
	for _, e := range t.Entries {
		if e.Code == c {
			if e.Sentinel == nil {
				e.Sentinel = t.Fallback
			}
			return e
		}
	}
	name := fmt.Sprintf("CODE_%d", int64(c))
	if t.Unknown != nil {
		name = t.Unknown(c)
	}
	return Entry[C]{Code: c, Name: name, Sentinel: t.Fallback}
}

// Name is the code's name in the header.
func (t Table[C]) Name(c C) string { return t.entry(c).Name }

// Sentinel is the error the code means (the fallback for codes without
// one; nil where the table has no fallback either).
func (t Table[C]) Sentinel(c C) error { return t.entry(c).Sentinel }

// Check is nil for Success and otherwise an *Error for call(args...).
func (t Table[C]) Check(c C, call string, args ...any) error {
	if c == t.Success {
		return nil
	}
	return t.Err(c, call, args...)
}

// Err is the *Error call(args...) returning c; a fake uses it so that its
// errors read like the binding's.
func (t Table[C]) Err(c C, call string, args ...any) error {
	return t.At(c, Call(call, args...))
}

// At is the *Error of c for a call already written out (a library whose
// messages name calls without parentheses, or with units on arguments).
func (t Table[C]) At(c C, call string) error {
	e := t.entry(c)
	return &Error[C]{Call: call, Code: c, Name: e.Name, Sentinel: e.Sentinel, codeFirst: t.CodeFirst}
}

// Call writes a call as "name(arg, arg)", "name()" without arguments.
func Call(name string, args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprint(a)
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

// Error is a library call that returned a code other than success.
type Error[C Code] struct {
	// Call is the call with its arguments, e.g. "cndevGetUUID(2)".
	Call string
	Code C
	// Name is the code's name in the vendor's header.
	Name string
	// Sentinel is what the code means; Unwrap gives it.
	Sentinel  error
	codeFirst bool
}

func (e *Error[C]) Error() string {
	s := fmt.Sprintf("%s: %s (%d)", e.Call, e.Name, int64(e.Code))
	if e.codeFirst {
		s = fmt.Sprintf("%s: %d %s", e.Call, int64(e.Code), e.Name)
	}
	if e.Sentinel != nil {
		s += ": " + e.Sentinel.Error()
	}
	return s
}

// Unwrap is the sentinel the code means, so errors.Is matches it.
func (e *Error[C]) Unwrap() error { return e.Sentinel }

// Named builds the entries of the consecutive codes first, first+1, ...
// named prefix+names[i], each meaning its sentinel in sentinels (none:
// the table's fallback), for a header that numbers its codes in order.
func Named[C Code](first C, prefix string, names []string, sentinels map[C]error) []Entry[C] {
	entries := make([]Entry[C], len(names))
	for i, name := range names {
		c := first + C(i)
		entries[i] = Entry[C]{Code: c, Name: prefix + name, Sentinel: sentinels[c]}
	}
	return entries
}
