package logging_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/hami-project/hami/common/logging"
)

func TestNewAndContext(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l, err := logging.New(&buf, logging.Options{Level: "warn"})
	require.NoError(t, err)
	ctx := logging.Into(context.Background(), l)
	logging.From(ctx).Info().Msg("hidden")
	logging.From(ctx).Warn().Str("pod", "a").Msg("shown")
	require.NotContains(t, buf.String(), "hidden")
	require.Contains(t, buf.String(), `"pod":"a"`)
}

func TestNewRejectsBadFlags(t *testing.T) {
	t.Parallel()
	_, err := logging.New(nil, logging.Options{Level: "loud"})
	require.ErrorContains(t, err, `--log-level "loud"`)
	_, err = logging.New(nil, logging.Options{Format: "xml"})
	require.ErrorContains(t, err, `--log-format "xml"`)
}

func TestFromWithoutLoggerIsDisabled(t *testing.T) {
	t.Parallel()
	l := logging.From(context.Background())
	require.Equal(t, zerolog.Disabled, l.GetLevel(), "a context without a logger logs nothing")
	l.Info().Msg("goes nowhere")
}
