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

// recordScan finds where a record ends in bytes fed to it piece by piece, splitting as recordEnd does.
type recordScan struct {
	comma byte
	state scanState
}

type scanState uint8

const (
	scanFieldStart scanState = iota
	scanUnquoted
	scanQuoted
	scanQuote   // a quote inside a quoted field: what follows decides
	scanQuoteCR // that quote, then a carriage return
)

// feed reads b, the record's next bytes, and returns the length of b up to and including the record's line
// end, or -1 when the record goes on after b.
func (s *recordScan) feed(b []byte) int {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch s.state {
		case scanFieldStart, scanUnquoted:
			switch {
			case c == '\n':
				return i + 1
			case c == s.comma:
				s.state = scanFieldStart
			case c == '"' && s.state == scanFieldStart:
				s.state = scanQuoted
			default:
				s.state = scanUnquoted
			}
		case scanQuoted:
			q := bytes.IndexByte(b[i:], '"')
			if q < 0 {
				return -1
			}
			i += q
			s.state = scanQuote
		case scanQuote, scanQuoteCR:
			switch {
			case c == '\n':
				return i + 1
			case c == '"' && s.state == scanQuote:
				s.state = scanQuoted
			case c == '"':
				s.state = scanQuote
			case c == s.comma && s.state == scanQuote:
				s.state = scanFieldStart
			case c == '\r' && s.state == scanQuote:
				s.state = scanQuoteCR
			default:
				s.state = scanQuoted
			}
		}
	}
	return -1
}
