package health

import (
	"context"
	"errors"
	"fmt"
)

// Probe is Poll's read for a library that answers one device at a time:
// healthy asks about each of devs, known to the plugin by id, and an
// unhealthy one is given reason. A device that cannot be asked keeps its
// last health (its error is returned with the others') rather than being
// called unhealthy for a library hiccup.
func Probe[T any](devs []T, id func(T) string, healthy func(T) (bool, error), reason string) func(context.Context) (map[string]State, error) {
	return func(context.Context) (map[string]State, error) {
		out := make(map[string]State, len(devs))
		var errs []error
		for _, d := range devs {
			ok, err := healthy(d)
			if err != nil {
				errs = append(errs, fmt.Errorf("health of %s: %w", id(d), err))
				continue
			}
			s := State{Healthy: ok}
			if !ok {
				s.Reason = reason
			}
			out[id(d)] = s
		}
		return out, errors.Join(errs...)
	}
}
