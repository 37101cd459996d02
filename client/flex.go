package client

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// FlexString reads a JSON string or number (vendors send ids and protocols as both) and keeps it as a string.
type FlexString string

// UnmarshalJSON keeps numbers verbatim (no float rounding of 20-digit protocols).
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	default:
		*f = FlexString(b)
	}
	return nil
}

// String returns the value.
func (f FlexString) String() string { return string(f) }

// Int returns the value as an int, if it is one.
func (f FlexString) Int() (int, bool) {
	n, err := strconv.Atoi(string(f))
	return n, err == nil
}

// FlexBool reads a JSON boolean, or a string or number vendors use for one ("true", "false", "S", "N", 1, 0).
type FlexBool struct {
	Value bool
	Known bool // false when absent, null or unreadable
}

// UnmarshalJSON never fails: a value it cannot read is unknown.
func (f *FlexBool) UnmarshalJSON(b []byte) error {
	s := strings.ToLower(strings.Trim(string(bytes.TrimSpace(b)), `"`))
	switch s {
	case "true", "s", "sim", "1", "y", "yes":
		*f = FlexBool{Value: true, Known: true}
	case "false", "n", "nao", "0", "no":
		*f = FlexBool{Value: false, Known: true}
	default:
		*f = FlexBool{}
	}
	return nil
}

// MarshalJSON writes a boolean (false when unknown).
func (f FlexBool) MarshalJSON() ([]byte, error) { return json.Marshal(f.Value) }

// FlexNumber reads a JSON number or a string holding one, keeping its text; it writes a JSON number when its
// text is one (vendors send amounts as numbers).
type FlexNumber string

// UnmarshalJSON reads a number or a string verbatim (null is "").
func (f *FlexNumber) UnmarshalJSON(b []byte) error {
	var s FlexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = FlexNumber(s)
	return nil
}

// MarshalJSON writes the number, or a string when the text is not one.
func (f FlexNumber) MarshalJSON() ([]byte, error) {
	s := strings.TrimSpace(string(f))
	if s != "" && json.Valid([]byte(s)) && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return []byte(s), nil
	}
	return json.Marshal(string(f))
}

// String returns the value's text.
func (f FlexNumber) String() string { return string(f) }
