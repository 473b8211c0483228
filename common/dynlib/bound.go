package dynlib

import "fmt"

// OpenBound loads path, or the first of defaults dlopen finds when path is
// empty (the usual way a binding's Open is called), and binds fns to it. On
// a bind failure the library is closed again, so nothing leaks.
func OpenBound(path string, defaults []string, fns any) (*Library, error) {
	names := defaults
	if path != "" {
		names = []string{path}
	}
	lib, err := Open(names...)
	if err != nil {
		return nil, err
	}
	if err := lib.Bind(fns); err != nil {
		if cerr := lib.Close(); cerr != nil {
			return nil, fmt.Errorf("%w (and close: %w)", err, cerr)
		}
		return nil, err
	}
	return lib, nil
}
