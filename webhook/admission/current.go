package admission

import (
	"context"
	"sync/atomic"
)

// Current holds the admitter in force and lets a config reload swap it
// while admissions run.
type Current struct {
	a atomic.Pointer[Admitter]
}

// NewCurrent holds a.
func NewCurrent(a *Admitter) *Current {
	c := &Current{}
	c.a.Store(a)
	return c
}

// Set replaces the admitter.
func (c *Current) Set(a *Admitter) { c.a.Store(a) }

// Admit decides with the admitter in force.
func (c *Current) Admit(ctx context.Context, req Request) Decision {
	return c.a.Load().Admit(ctx, req)
}
