// Package admission owns the webhook's decision on one pod: whether it is
// ours to look at, whether its device request is valid (with a message that
// names the field and the fix), and the JSONPatch that routes it to our
// scheduler and writes its defaults. Decisions are pure functions of the pod,
// the config and a summary of the fleet, so an already mutated pod comes back
// unchanged.
package admission
