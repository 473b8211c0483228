// Package natsembed owns the in-process NATS server with JetStream that the
// scheduler starts when no external NATS URL is configured, and that tests
// use as a real server on loopback. It also owns the NATS permissions each
// component gets, so that the subjects a node's plugin may write are decided
// in one place next to the server that enforces them.
package natsembed
