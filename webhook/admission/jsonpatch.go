package admission

import (
	"encoding/json"
	"strings"
)

// Op is one RFC 6902 JSONPatch operation.
type Op struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Patch is a JSONPatch document.
type Patch []Op

// JSON is the patch's wire form for AdmissionResponse.Patch.
func (p Patch) JSON() ([]byte, error) { return json.Marshal(p) }

// pointerEscaper escapes one reference token of a JSON pointer (RFC 6901):
// "~" first, so that the "~" of "~1" is not escaped again.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer joins reference tokens into a JSON pointer, escaping each, so a
// resource name like nvidia.com/gpu becomes nvidia.com~1gpu.
func pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(t))
	}
	return b.String()
}

func add(path string, v any) Op     { return Op{Op: "add", Path: path, Value: v} }
func replace(path string, v any) Op { return Op{Op: "replace", Path: path, Value: v} }
func remove(path string) Op         { return Op{Op: "remove", Path: path} }
