package admission

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Result is what happened to a pod; it labels the webhook's metrics.
type Result string

// Results of an admission.
const (
	// Skipped: not ours to look at (opted out, or no managed resource).
	Skipped Result = "skipped"
	// Allowed: ours, valid, and already as it should be.
	Allowed Result = "allowed"
	// Mutated: ours and valid; Patch holds the changes.
	Mutated Result = "mutated"
	// Refused: ours and invalid; Errors name each field and the fix.
	Refused Result = "refused"
)

// Decision is the admitter's answer on one pod.
type Decision struct {
	Result   Result
	Patch    Patch
	Warnings []string
	Errors   field.ErrorList
	// Reason says why a pod was skipped, for the logs.
	Reason string
}

// Message is the refusal in one line per field, as kubectl shows it.
func (d Decision) Message() string {
	msgs := make([]string, 0, len(d.Errors))
	for _, e := range d.Errors {
		msgs = append(msgs, e.Error())
	}
	return strings.Join(msgs, "; ")
}
