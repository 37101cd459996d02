package csvimport

import "bytes"

// recordsEnd returns where the last whole record of b ends (just past its line end), b starting at a
// record; 0 when b holds no whole record. Records are split as encoding/csv splits them with LazyQuotes:
// a field starting with a quote runs to the next quote followed by the delimiter or the line end ("" is a
// quote inside it), and may span lines; any other quote is a character.
func recordsEnd(b []byte, comma byte) int {
	q := bytes.IndexByte(b, '"')
	if q < 0 {
		return bytes.LastIndexByte(b, '\n') + 1
	}
	end := bytes.LastIndexByte(b[:q], '\n') + 1 // the lines before the first quote are whole records
	for end < len(b) {
		n := recordEnd(b[end:], comma)
		if n < 0 {
			break
		}
		end += n
	}
	return end
}

// recordEnd returns the length of the record b starts with, its line end included; -1 when b ends before
// the record does.
func recordEnd(b []byte, comma byte) int {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return -1
	}
	if bytes.IndexByte(b[:nl], '"') < 0 {
		return nl + 1
	}
	i := 0 // the start of a field
	for {
		if i < len(b) && b[i] == '"' {
			n, end := quotedFieldEnd(b, i+1, comma)
			if end != 0 {
				return end
			}
			i = n
			continue
		}
		for i < len(b) && b[i] != comma && b[i] != '\n' {
			i++
		}
		switch {
		case i >= len(b):
			return -1
		case b[i] == '\n':
			return i + 1
		}
		i++
	}
}

// quotedFieldEnd reads the quoted field whose text starts at b[i] (just after its opening quote): it returns
// where the next field starts, or, when the field ends its record or b ends first, end (the record's length,
// its line end included, or -1).
func quotedFieldEnd(b []byte, i int, comma byte) (next, end int) {
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return 0, -1
		}
		i += q + 1
		switch {
		case i >= len(b), b[i] == '\r' && i+1 >= len(b):
			return 0, -1 // what follows the quote decides
		case b[i] == '"':
			i++
		case b[i] == comma:
			return i + 1, 0
		case b[i] == '\n':
			return 0, i + 1
		case b[i] == '\r' && b[i+1] == '\n':
			return 0, i + 2
		}
	}
}
