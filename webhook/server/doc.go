// Package server owns the webhook's HTTP side: the AdmissionReview v1
// endpoint that feeds the admitter and writes its decision back, the
// webhook's metrics, health and readiness endpoints, and serving them with
// a graceful shutdown.
package server
