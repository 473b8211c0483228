// Package logging owns how every binary of the project sets up zerolog: one
// logger built from flags in main, carried in context.Context from there on.
package logging

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"
)

// Formats of log output.
const (
	FormatJSON    = "json"
	FormatConsole = "console"
)

// Options are the logging flags of a binary.
type Options struct {
	// Level is a zerolog level name: trace, debug, info, warn, error.
	Level  string
	Format string
}

// New builds the logger; a bad level or format is an error naming the flag.
func New(w io.Writer, o Options) (zerolog.Logger, error) {
	lvl := zerolog.InfoLevel
	if o.Level != "" {
		var err error
		if lvl, err = zerolog.ParseLevel(o.Level); err != nil || lvl == zerolog.NoLevel {
			return zerolog.Nop(), fmt.Errorf("--log-level %q: use one of trace, debug, info, warn, error", o.Level)
		}
	}
	switch o.Format {
	case "", FormatJSON:
	case FormatConsole:
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	default:
		return zerolog.Nop(), fmt.Errorf("--log-format %q: use json or console", o.Format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// Into returns ctx carrying the logger.
func Into(ctx context.Context, l zerolog.Logger) context.Context { return l.WithContext(ctx) }

// From returns the logger ctx carries, or a disabled one.
func From(ctx context.Context) *zerolog.Logger { return zerolog.Ctx(ctx) }
