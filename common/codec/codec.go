// Package codec owns the two decoding modes every wire format of the project
// uses: strict for input a person wrote or another component sent us (unknown
// fields, trailing data and duplicate keys are errors), lenient for state we
// wrote ourselves and must read back across versions.
package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// ErrEmpty is returned when there is nothing to decode.
var ErrEmpty = errors.New("empty document")

// StrictJSON decodes exactly one JSON value into v, refusing fields that v does
// not declare and anything after the value. A typo in a field name is therefore
// an error instead of a silently ignored setting.
func StrictJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return ErrEmpty
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON document")
	}
	return nil
}

// StrictYAML accepts YAML or JSON (JSON is YAML), refuses duplicate keys, then
// decodes strictly as StrictJSON does.
func StrictYAML(data []byte, v any) error {
	js, err := YAMLToJSON(data)
	if err != nil {
		return err
	}
	return StrictJSON(js, v)
}

// YAMLToJSON converts a YAML (or JSON) document, refusing duplicate keys,
// for callers that look at the document more than once.
func YAMLToJSON(data []byte) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, fmt.Errorf("parse yaml: %w", err)
	}
	return js, nil
}

// LenientJSON decodes one JSON value, ignoring unknown fields: for state that a
// newer version of this project may have written with fields we do not know.
func LenientJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return ErrEmpty
	}
	if err := json.Unmarshal(data, v); err != nil {
		return describe(err)
	}
	return nil
}

// describe turns encoding/json's errors into ones that name the field.
func describe(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return fmt.Errorf("field %s: cannot use %s as %s", typeErr.Field, typeErr.Value, typeErr.Type)
	}
	return err
}

// Header is the part every versioned document starts with.
type Header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// DecodeVersioned decodes a versioned document with decode and checks that
// it is of version want, as got (which reads the decoded value's
// apiVersion) says. Only when that fails does it read the header on its
// own, so that a document of another version is reported as such rather
// than as a list of unknown fields: one parse on the happy path, which for
// inventories and allocations is the hot one.
func DecodeVersioned(data []byte, v any, want string, decode func([]byte, any) error, got func() string) error {
	err := decode(data, v)
	if err == nil && got() == want {
		return nil
	}
	if h, perr := PeekHeader(data); perr == nil && h.APIVersion != "" && h.APIVersion != want {
		return fmt.Errorf("apiVersion %q is not supported (supported: %s)", h.APIVersion, want)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("apiVersion %q is not supported (supported: %s)", got(), want)
}

// PeekHeader reads apiVersion and kind without decoding the rest, so a caller
// can pick the right type for the version before decoding strictly.
func PeekHeader(data []byte) (Header, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Header{}, ErrEmpty
	}
	var h Header
	// Only the first value is read: what follows is for the strict decoder
	// to report.
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&h); err != nil {
		return Header{}, describe(err)
	}
	return h, nil
}
