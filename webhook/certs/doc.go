// Package certs owns the webhook's serving certificate: read from files and
// re-read when they change (cert-manager, a mounted Secret), or self-signed:
// a CA and serving certificate generated once, kept in a Secret so restarts
// and replicas reuse them, and the CA written into the caBundle of our
// MutatingWebhookConfiguration, as Helm charts usually do with a job.
package certs
