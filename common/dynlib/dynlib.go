// Package dynlib owns loading a vendor's management library at run time
// (dlopen, through purego: no cgo and no vendor headers at build time), so a
// vendor module builds and runs where the library is absent (fake mode, CI)
// and binds to it on a real node.
//
// A binding declares the C functions it calls as a struct of Go func fields
// tagged with their symbol names and binds them in one call:
//
//	type cndev struct {
//		Init     func(flags int32) int32          `sym:"cndevInit"`
//		Count    func(n *int32) int32             `sym:"cndevGetDeviceCount"`
//		SMLUMode func(dev int32, m *int32) int32  `sym:"cndevGetSMLUMode,optional"`
//	}
//
// A missing symbol is an error naming it (an older driver), unless the tag
// says optional, in which case the field stays nil and the caller degrades.
package dynlib

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/ebitengine/purego"
)

// ErrNotFound means none of the library's names could be loaded.
var ErrNotFound = errors.New("library not found")

// Library is one loaded shared library.
type Library struct {
	handle uintptr
	path   string
}

// Open loads the first of names that dlopen finds (a path, or a soname
// searched the usual way). The error names every candidate and why it
// failed.
func Open(names ...string) (*Library, error) {
	if len(names) == 0 {
		return nil, errors.New("open library: no name given")
	}
	var errs []error
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err == nil {
			return &Library{handle: h, path: n}, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", n, err))
	}
	return nil, fmt.Errorf("%w: %w", ErrNotFound, errors.Join(errs...))
}

// Path is the name the library was opened by.
func (l *Library) Path() string { return l.path }

// Close unloads the library; bound functions must not be called afterwards.
func (l *Library) Close() error {
	if err := purego.Dlclose(l.handle); err != nil {
		return fmt.Errorf("close %s: %w", l.path, err)
	}
	return nil
}

// Has reports whether the library exports symbol.
func (l *Library) Has(symbol string) bool {
	_, err := purego.Dlsym(l.handle, symbol)
	return err == nil
}

// Bind fills every func field of the struct fns points to that carries a
// `sym:"name"` or `sym:"name,optional"` tag. All missing required symbols
// are reported together; nothing is half-bound on error.
func (l *Library) Bind(fns any) error {
	v := reflect.ValueOf(fns)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("bind %s: want a pointer to a struct of funcs, got %T", l.path, fns)
	}
	s := v.Elem()
	addrs := make([]uintptr, s.NumField())
	var missing []string
	for i := range s.NumField() {
		f := s.Type().Field(i)
		name, optional, ok := parseTag(f.Tag.Get("sym"))
		if !ok {
			continue
		}
		if f.Type.Kind() != reflect.Func {
			return fmt.Errorf("bind %s: field %s tagged %q is not a func", l.path, f.Name, name)
		}
		addr, err := purego.Dlsym(l.handle, name)
		switch {
		case err == nil:
			addrs[i] = addr
		case !optional:
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("bind %s: missing symbols %s (is the driver too old?)", l.path, strings.Join(missing, ", "))
	}
	for i, addr := range addrs {
		if addr != 0 {
			purego.RegisterFunc(s.Field(i).Addr().Interface(), addr)
		}
	}
	return nil
}

func parseTag(tag string) (name string, optional, ok bool) {
	if tag == "" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	return name, opts == "optional", name != ""
}

// CString is s as a NUL-terminated byte slice for a `*byte` argument.
func CString(s string) []byte { return append([]byte(s), 0) }

// GoString is the text of a fixed-size C char array up to its first NUL.
func GoString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}
