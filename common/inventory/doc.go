// Package inventory owns the transport of NodeInventory documents over a NATS
// JetStream key-value bucket: the Publisher a vendor plugin uses to put its
// node's inventory on change and on a heartbeat, and the Watcher the scheduler
// and webhook use to keep an in-memory index of every fresh inventory, with
// change events, TTL staleness and metrics.
//
// Keys are <vendor>.<node>; the value is the inventory's JSON (see package
// device). The key is the identity: a value whose vendor or node differs from
// its key is rejected, because NATS permissions are granted per key.
package inventory
