package common

import (
	"strings"
	"time"

	"github.com/balcao/balcao/model"
)

// Badge renders a beneficiary's situation as a coloured badge that always carries its text (never colour alone).
func Badge(st *Styles, situation string) string {
	s := strings.TrimSpace(situation)
	if s == "" {
		return ""
	}
	switch model.FoldText(s) {
	case situationActive:
		return st.BadgeActive.Render(s)
	case situationBlocked:
		return st.BadgeBlocked.Render(s)
	case situationFuture:
		return st.BadgeFuture.Render(s)
	}
	return st.BadgeNeutral.Render(s)
}

// The situations TOTVS sends, folded as Badge compares them (any case, with or without accents).
var (
	situationActive  = model.FoldText(model.SituationActive)
	situationBlocked = model.FoldText(model.SituationBlocked)
	situationFuture  = model.FoldText(model.SituationFutureBlock)
)

// DateBR renders a TOTVS or directory date as DD/MM/AAAA; an unreadable value is shown as it came.
func DateBR(s string) string {
	if t, ok := model.ParseDate(s); ok {
		return model.FormatDateBR(t)
	}
	return strings.TrimSpace(s)
}

// DateTime renders a time as DD/MM/AAAA HH:MM in São Paulo; an unknown (zero) time renders "".
func DateTime(t time.Time) string { return model.FormatDateTimeBR(t) }

// Clean makes text from TOTVS, Mosia or the directory safe to draw: a tab or line break becomes a space, other
// control characters (and so any escape sequence's introducer) are dropped, and runs of spaces are kept as sent.
func Clean(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isControl reports C0 and C1 control characters and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }

// GroupDigits shows a protocol (or any long number) in groups of four to be read aloud: "3456 7820 2611 3050 0001";
// the last group takes what is left over. Anything but digits is shown as it came.
func GroupDigits(s string) string {
	if len(s) <= 4 {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
