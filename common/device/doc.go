// Package device owns the vendor-neutral description of a node's accelerators:
// the NodeInventory document that every vendor plugin publishes and that the
// scheduler and webhook read. It is the wire contract between a plugin and the
// control plane, so it is versioned (APIVersion) and decoded strictly.
package device
