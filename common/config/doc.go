// Package config owns the one versioned configuration document shared by the
// scheduler, webhook and plugins: defaults, per-vendor resource names,
// per-node overrides, strict decoding and validation.
package config
