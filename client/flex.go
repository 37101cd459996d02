package client

import (
	"bytes"
	"encoding/json"
	"strconv"
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
