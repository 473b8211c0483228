package natsembed

import (
	"fmt"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/rs/zerolog"
)

// zerologAdapter sends the server's log through the host's zerolog logger,
// so the embedded server's lines carry the same fields as the scheduler's.
type zerologAdapter struct{ log zerolog.Logger }

var _ server.Logger = zerologAdapter{}

// Logger adapts a zerolog logger for Config.Logger.
func Logger(l zerolog.Logger) server.Logger {
	return zerologAdapter{log: l.With().Str("component", "nats-server").Logger()}
}

func (z zerologAdapter) Noticef(format string, v ...any) { z.log.Info().Msg(fmt.Sprintf(format, v...)) }
func (z zerologAdapter) Warnf(format string, v ...any)   { z.log.Warn().Msg(fmt.Sprintf(format, v...)) }
func (z zerologAdapter) Errorf(format string, v ...any)  { z.log.Error().Msg(fmt.Sprintf(format, v...)) }
func (z zerologAdapter) Debugf(format string, v ...any)  { z.log.Debug().Msg(fmt.Sprintf(format, v...)) }
func (z zerologAdapter) Tracef(format string, v ...any)  { z.log.Trace().Msg(fmt.Sprintf(format, v...)) }

// Fatalf logs at error level and does not exit: only main may end the process;
// the server shuts itself down after a fatal condition and Start reports it.
func (z zerologAdapter) Fatalf(format string, v ...any) {
	z.log.Error().Bool("fatal", true).Msg(fmt.Sprintf(format, v...))
}
