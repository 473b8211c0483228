// Package policy owns placement: pure functions from (inventory, usage,
// request) to a choice of devices, or typed reasons why nothing fits; node
// scores for binpack and spread; device order for binpack, spread,
// topology-aware and numa. The scheduler and the webhook both call it, so the
// same pod gets the same answer from each.
package policy
