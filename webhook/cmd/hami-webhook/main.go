// Command hami-webhook is the mutating admission webhook of HAMi: it routes
// pods asking for shared devices to the HAMi scheduler, fills in their
// defaults and refuses invalid requests with a message naming the field.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hami-project/hami/common/inventory"
	"github.com/hami-project/hami/common/logging"
	"github.com/hami-project/hami/common/natsclient"
	"github.com/hami-project/hami/webhook/admission"
)

// Config is every setting of the binary, from flags and the environment.
type Config struct {
	Listen    string
	OpsListen string

	// Serving certificate: files (re-read when they change) or self-signed.
	CertFile, KeyFile string
	SelfSigned        bool
	SecretNamespace   string
	SecretName        string
	CertHosts         []string
	WebhookConfigName string
	Kubeconfig        string

	// ConfigPath is the HAMi config document; defaults when empty.
	ConfigPath   string
	ConfigReload time.Duration

	SchedulerName     string
	AllowedSchedulers []string
	IgnoredNamespaces []string

	NATSURL              string
	NATS                 natsclient.Flags
	NATSBucket           string
	InventorySyncTimeout time.Duration

	ShutdownGrace time.Duration
	Log           logging.Options
}

func parseFlags(args []string) (Config, error) {
	var c Config
	var hosts, allowed, ignored string
	fs := flag.NewFlagSet("hami-webhook", flag.ContinueOnError)
	fs.StringVar(&c.Listen, "listen", ":9443", "address of the HTTPS admission endpoint (/mutate)")
	fs.StringVar(&c.OpsListen, "ops-listen", ":8080", "address of /metrics, /healthz and /readyz (plain HTTP); empty to disable")
	fs.StringVar(&c.CertFile, "tls-cert-file", "", "serving certificate (PEM); re-read when it changes")
	fs.StringVar(&c.KeyFile, "tls-key-file", "", "serving key (PEM); re-read when it changes")
	fs.BoolVar(&c.SelfSigned, "self-signed", false, "generate a CA and serving certificate, keep them in a Secret and patch the caBundle of --webhook-config")
	fs.StringVar(&c.SecretNamespace, "secret-namespace", envOr("POD_NAMESPACE", "hami-system"), "namespace of the self-signed certificate's Secret")
	fs.StringVar(&c.SecretName, "secret-name", "hami-webhook-tls", "name of the self-signed certificate's Secret")
	fs.StringVar(&hosts, "cert-hosts", "hami-webhook.hami-system.svc", "comma list of DNS names and IPs of the self-signed serving certificate")
	fs.StringVar(&c.WebhookConfigName, "webhook-config", "hami-webhook", "MutatingWebhookConfiguration whose caBundle --self-signed keeps current")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", "", "kubeconfig for --self-signed; in-cluster config when empty")
	fs.StringVar(&c.ConfigPath, "config", "", "HAMi config document (YAML or JSON); built-in defaults when empty")
	fs.DurationVar(&c.ConfigReload, "config-reload", 10*time.Second, "how often --config is checked for changes; 0 to load it once")
	fs.StringVar(&c.SchedulerName, "scheduler-name", admission.DefaultSchedulerName, "schedulerName set on the pods we manage")
	fs.StringVar(&allowed, "allowed-schedulers", "", "comma list of schedulers a pod may name and keep")
	fs.StringVar(&ignored, "ignored-namespaces", strings.Join(admission.DefaultIgnoredNamespaces(), ","), "comma list of namespaces whose pods pass untouched")
	fs.StringVar(&c.NATSURL, "nats-url", "", "NATS server of the inventory bucket; without it the memory and model checks are skipped")
	c.NATS.Register(fs)
	fs.StringVar(&c.NATSBucket, "nats-bucket", inventory.DefaultBucket, "inventory key-value bucket")
	fs.DurationVar(&c.InventorySyncTimeout, "inventory-sync-timeout", 30*time.Second, "how long /readyz waits for the first inventory sync before reporting ready anyway")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 10*time.Second, "time given to admissions in flight at shutdown")
	fs.StringVar(&c.Log.Level, "log-level", "info", "trace, debug, info, warn or error")
	fs.StringVar(&c.Log.Format, "log-format", logging.FormatJSON, "json or console")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	c.CertHosts, c.AllowedSchedulers, c.IgnoredNamespaces = split(hosts), split(allowed), split(ignored)
	return c, c.validate()
}

func (c Config) validate() error {
	var errs []error
	files := c.CertFile != "" || c.KeyFile != ""
	switch {
	case c.SelfSigned && files:
		errs = append(errs, errors.New("--self-signed and --tls-cert-file/--tls-key-file exclude each other"))
	case !c.SelfSigned && (c.CertFile == "" || c.KeyFile == ""):
		errs = append(errs, errors.New("give --tls-cert-file and --tls-key-file, or --self-signed"))
	case c.SelfSigned && len(c.CertHosts) == 0:
		errs = append(errs, errors.New("--self-signed needs --cert-hosts"))
	}
	if c.SchedulerName == "" {
		errs = append(errs, errors.New("--scheduler-name is empty"))
	}
	if err := c.NATS.Check(c.NATSURL); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-webhook:", err)
		os.Exit(2)
	}
	log, err := logging.New(os.Stderr, cfg.Log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hami-webhook:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(logging.Into(ctx, log), cfg)
	stop()
	if err != nil {
		log.Error().Err(err).Msg("hami-webhook failed")
		os.Exit(1)
	}
	log.Info().Msg("hami-webhook stopped")
}
