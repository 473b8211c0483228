package admission

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hami-project/hami/common/config"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/request"
)

// Opt-out label: a pod labelled hami.io/webhook=ignore passes untouched.
const (
	LabelWebhook = "hami.io/webhook"
	LabelIgnore  = "ignore"
)

// DefaultSchedulerName is the scheduler pods are routed to.
const DefaultSchedulerName = "hami-scheduler"

// DefaultIgnoredNamespaces pass untouched unless configured otherwise.
func DefaultIgnoredNamespaces() []string { return []string{"kube-system"} }

// Options are the webhook's own settings, beside the config document.
type Options struct {
	// SchedulerName is set on the pods we manage (DefaultSchedulerName).
	SchedulerName string
	// AllowedSchedulers are schedulers a pod may name and keep.
	AllowedSchedulers []string
	// IgnoredNamespaces pass untouched.
	IgnoredNamespaces []string
}

// Request is what the admitter looks at.
type Request struct {
	Operation admissionv1.Operation
	Namespace string
	Pod       *corev1.Pod
}

// Admitter decides on pods. It is immutable; build a new one when the
// config changes (see Current).
type Admitter struct {
	cfg      *config.Config
	opts     Options
	fleet    Fleet
	defaults request.Defaults
	// base is the registry of the config alone, used until the fleet
	// publishes names, and when what it publishes conflicts.
	base  *request.Registry
	cache atomic.Pointer[derived]
}

// derived is what the admitter computes from one fleet summary.
type derived struct {
	summary *FleetSummary
	reg     *request.Registry
	err     error
}

// New builds an admitter; fleet may be nil (no inventory: the memory and
// model checks are skipped).
func New(cfg *config.Config, fleet Fleet, opts Options) (*Admitter, error) {
	if cfg == nil {
		return nil, errors.New("new admitter: config is nil")
	}
	base, err := request.NewRegistry(cfg.Vendors)
	if err != nil {
		return nil, fmt.Errorf("new admitter: %w", err)
	}
	if opts.SchedulerName == "" {
		opts.SchedulerName = DefaultSchedulerName
	}
	if fleet == nil {
		fleet = staticFleet{Summarize(nil)}
	}
	return &Admitter{cfg: cfg, opts: opts, fleet: fleet, defaults: request.DefaultsFrom(cfg), base: base}, nil
}

type staticFleet struct{ s *FleetSummary }

func (f staticFleet) Summary() *FleetSummary { return f.s }

// Admit decides on one pod.
func (a *Admitter) Admit(ctx context.Context, req Request) Decision {
	if reason, skip := a.skip(req); skip {
		return Decision{Result: Skipped, Reason: reason}
	}
	d := a.derive(ctx)
	if !d.reg.Manages(req.Pod) {
		return Decision{Result: Skipped, Reason: "asks for no managed device"}
	}
	rules := &rules{reg: d.reg, fleet: d.summary}
	parsed, err := d.reg.ParsePod(req.Pod, a.defaults)
	errs := append(fieldErrors(err), rules.check(req.Pod)...)
	if len(errs) > 0 {
		return Decision{Result: Refused, Errors: errs}
	}
	m := &mutator{reg: d.reg, defaults: a.defaults, scheduler: a.opts.SchedulerName, allowed: a.opts.AllowedSchedulers}
	out := Decision{Result: Allowed, Patch: m.patch(req.Pod), Warnings: rules.warnings(req.Pod, parsed)}
	if len(out.Patch) > 0 {
		out.Result = Mutated
	}
	return out
}

func (a *Admitter) skip(req Request) (string, bool) {
	switch {
	case req.Operation != admissionv1.Create:
		return "not a create", true
	case req.Pod == nil:
		return "no pod", true
	case slices.Contains(a.opts.IgnoredNamespaces, req.Namespace):
		return "namespace " + req.Namespace + " is opted out", true
	case req.Pod.Labels[LabelWebhook] == LabelIgnore:
		return "label " + LabelWebhook + "=" + LabelIgnore, true
	}
	return "", false
}

// derive returns the registry of config plus fleet, rebuilt only when the
// fleet's summary changed.
func (a *Admitter) derive(ctx context.Context) *derived {
	s := a.fleet.Summary()
	if d := a.cache.Load(); d != nil && d.summary == s {
		return d
	}
	d := &derived{summary: s}
	d.reg, d.err = request.NewRegistry(request.Merge(a.cfg.Vendors, s.Published...))
	if d.err != nil {
		logging.From(ctx).Warn().Err(d.err).Msg("resource names published by the fleet conflict; using the config's names")
		d.reg = a.base
	}
	a.cache.Store(d)
	return d
}

// fieldErrors unpacks ParsePod's aggregate into field errors.
func fieldErrors(err error) field.ErrorList {
	if err == nil {
		return nil
	}
	var out field.ErrorList
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		return field.ErrorList{field.InternalError(field.NewPath("spec"), err)}
	}
	for _, e := range agg.Errors() {
		var fe *field.Error
		if errors.As(e, &fe) {
			out = append(out, fe)
		} else {
			out = append(out, field.InternalError(field.NewPath("spec"), e))
		}
	}
	return out
}
