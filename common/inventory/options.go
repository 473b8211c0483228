package inventory

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of the options.
const (
	DefaultBucket     = "hami-inventory"
	DefaultHeartbeat  = 10 * time.Second
	DefaultStaleCheck = time.Second
	DefaultOpTimeout  = 5 * time.Second
	defaultRetry      = time.Second
	// maxRetry caps the Watcher's backoff while the bucket cannot be watched.
	maxRetry = 30 * time.Second
)

// options holds the settings of a Publisher or Watcher; each option says
// which of the two reads it.
type options struct {
	bucket       string
	replicas     int
	createBucket bool
	clock        func() time.Time
	opTimeout    time.Duration
	retry        time.Duration
	// Publisher only.
	heartbeat    time.Duration
	deleteOnStop bool
	// Watcher only.
	staleCheck time.Duration
	registerer prometheus.Registerer
}

// Option configures a Publisher or a Watcher.
type Option func(*options)

func newOptions(opts []Option) (options, error) {
	o := options{
		bucket:       DefaultBucket,
		replicas:     1,
		createBucket: true,
		clock:        time.Now,
		opTimeout:    DefaultOpTimeout,
		retry:        defaultRetry,
		heartbeat:    DefaultHeartbeat,
		staleCheck:   DefaultStaleCheck,
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o, o.validate()
}

func (o *options) validate() error {
	var errs []error
	if o.bucket == "" {
		errs = append(errs, errors.New("bucket name is empty"))
	}
	if o.replicas < 1 {
		errs = append(errs, errors.New("replicas must be at least 1"))
	}
	if o.clock == nil {
		errs = append(errs, errors.New("clock is nil"))
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{
		{"heartbeat", o.heartbeat}, {"stale check", o.staleCheck},
		{"operation timeout", o.opTimeout}, {"retry interval", o.retry},
	} {
		if d.d <= 0 {
			errs = append(errs, errors.New(d.name+" must be positive"))
		}
	}
	return errors.Join(errs...)
}

// WithBucket names the key-value bucket (DefaultBucket when not given).
func WithBucket(name string) Option { return func(o *options) { o.bucket = name } }

// WithReplicas sets the bucket's replicas when this component creates it: 1
// for the embedded server, 3 on a production NATS cluster.
func WithReplicas(n int) Option { return func(o *options) { o.replicas = n } }

// WithCreateBucket says whether a missing bucket is created (default true).
// A plugin whose credentials may only write its keys cannot create it and
// waits for the scheduler to.
func WithCreateBucket(create bool) Option { return func(o *options) { o.createBucket = create } }

// WithClock injects the time source used for publishedAt and TTL checks.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithOpTimeout bounds each NATS operation (DefaultOpTimeout).
func WithOpTimeout(d time.Duration) Option { return func(o *options) { o.opTimeout = d } }

// WithRetry is how soon a failed put (Publisher) or a broken watch (Watcher)
// is tried again; one second by default.
func WithRetry(d time.Duration) Option { return func(o *options) { o.retry = d } }

// WithHeartbeat is the Publisher's refresh interval; keep it well below the
// inventory's TTL (a third is usual) so one lost put does not make it stale.
func WithHeartbeat(d time.Duration) Option { return func(o *options) { o.heartbeat = d } }

// WithDeleteOnStop makes the Publisher delete its key when Run ends. Off by
// default: a plugin restart must not make the node vanish and reappear.
func WithDeleteOnStop(del bool) Option { return func(o *options) { o.deleteOnStop = del } }

// WithStaleCheck is how often the Watcher looks for expired inventories.
func WithStaleCheck(d time.Duration) Option { return func(o *options) { o.staleCheck = d } }

// WithRegisterer registers the Watcher's metrics there; none when not given.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.registerer = r } }
