package model

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // America/Sao_Paulo must load on machines without zoneinfo
)

// ParseDate reads a date leniently: YYYY-MM-DD, YYYY-M-D, YYYYMMDD, DD/MM/AAAA, ISO with time; empty or bad → false.
//
// Dates without a time come back at midnight UTC so that FormatDateBR prints them as written. ISO values with an
// offset or "Z" keep it; ISO values with a time but no offset are read in America/Sao_Paulo (Protheus' clock).
// D/M/AAAA with one-digit day or month is accepted too. Impossible dates (2023-02-29) and years before 1000 are rejected.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	switch {
	case len(s) < 8 || len(s) > 40:
		return time.Time{}, false
	case strings.IndexByte(s, '/') >= 0:
		d, m, y, ok := split3(s, '/')
		if !ok || len(y) != 4 || len(d) > 2 || len(m) > 2 {
			return time.Time{}, false
		}
		return civilDate(y, m, d)
	case len(s) == 8 && allDigits(s):
		return civilDate(s[0:4], s[4:6], s[6:8])
	case len(s) >= 8 && s[4] == '-':
		date, clock := s, ""
		if i := strings.IndexAny(s, "Tt "); i >= 0 {
			date, clock = s[:i], s[i+1:]
		}
		y, m, d, ok := split3(date, '-')
		if !ok || len(y) != 4 || len(m) > 2 || len(d) > 2 {
			return time.Time{}, false
		}
		t, ok := civilDate(y, m, d)
		if !ok || clock == "" {
			return t, ok
		}
		return parseISO(t, clock)
	}
	return time.Time{}, false
}

// isoLayouts are the time parts ISO values arrive with (after the date and its "T").
var isoLayouts = []string{"15:04:05.999999999Z07:00", "15:04:05Z07:00", "15:04Z07:00"}
var isoLocalLayouts = []string{"15:04:05.999999999", "15:04:05", "15:04"}

func parseISO(day time.Time, clock string) (time.Time, bool) {
	y, m, d := day.Date()
	padded := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02") // YYYY-M-D → YYYY-MM-DD
	for _, l := range isoLayouts {
		if t, err := time.Parse("2006-01-02T"+l, padded+"T"+clock); err == nil {
			return t, true
		}
	}
	for _, l := range isoLocalLayouts {
		if t, err := time.ParseInLocation("2006-01-02T"+l, padded+"T"+clock, saoPaulo()); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// split3 splits s into exactly three non-empty runs of digits separated by sep.
func split3(s string, sep byte) (a, b, c string, ok bool) {
	i := strings.IndexByte(s, sep)
	if i < 0 {
		return "", "", "", false
	}
	j := strings.IndexByte(s[i+1:], sep)
	if j < 0 {
		return "", "", "", false
	}
	a, b, c = s[:i], s[i+1:i+1+j], s[i+2+j:]
	if a == "" || b == "" || c == "" || !allDigits(a) || !allDigits(b) || !allDigits(c) {
		return "", "", "", false
	}
	return a, b, c, true
}

// minYear rejects placeholder dates such as 0001-01-01 (time.Time's zero value) and 0000-00-00.
const minYear = 1000

// civilDate builds a real calendar date at midnight UTC from digit strings (already checked for length).
func civilDate(ys, ms, ds string) (time.Time, bool) {
	y, m, d := atoiDigits(ys), atoiDigits(ms), atoiDigits(ds)
	if y < minYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31/04, 29/02 of a common year
		return time.Time{}, false
	}
	return t, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoiDigits converts a short run of ASCII digits (callers check it is one).
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// FormatDateBR renders DD/MM/AAAA; the zero time renders "".
//
// The date is the one in t's own location: date-only values from ParseDate (midnight UTC) print as written.
func FormatDateBR(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// FormatDateTimeBR renders DD/MM/AAAA HH:MM in America/Sao_Paulo; the zero time renders "".
func FormatDateTimeBR(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(saoPaulo()).Format("02/01/2006 15:04")
}

// saoPaulo is America/Sao_Paulo (embedded tzdata), or a fixed UTC-3 zone if it cannot load.
var saoPaulo = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return loc
	}
	return time.FixedZone("-03", -3*60*60)
})
