package model

import (
	"strings"
)

// Digits returns only the ASCII digits of s.
func Digits(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		return s // already digits only: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ValidCPF reports whether s (formatted or not) is a CPF with correct check digits and not all digits equal.
func ValidCPF(s string) bool {
	d := Digits(s)
	if len(d) != 11 || len(strings.TrimLeft(s, "0123456789.- ")) != 0 {
		return false
	}
	if strings.Count(d, d[:1]) == 11 {
		return false
	}
	return cpfDigit(d[:9], 10) == d[9] && cpfDigit(d[:10], 11) == d[10]
}

func cpfDigit(d string, weight int) byte {
	sum := 0
	for i := 0; i < len(d); i++ {
		sum += int(d[i]-'0') * (weight - i)
	}
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

// FormatCPF renders 11 digits as 999.999.999-99; anything else is returned unchanged.
func FormatCPF(s string) string {
	d := Digits(s)
	if len(d) != 11 {
		return s
	}
	return d[:3] + "." + d[3:6] + "." + d[6:9] + "-" + d[9:]
}

// CardLen is the length of a TOTVS card (subscriberId).
const CardLen = 17

// CardParts is a card split into CODINT, CODEMP, MATRIC, TIPREG and DIGITO.
type CardParts struct {
	CodInt, CodEmp, Matric, TipReg, Digito string
}

// NormalizeCard returns the 17 digits of a card written with or without separators.
func NormalizeCard(s string) (string, bool) {
	if len(strings.TrimLeft(s, "0123456789.-/ ")) != 0 {
		return "", false
	}
	d := Digits(s)
	return d, len(d) == CardLen
}

// SplitCard splits a 17-digit card into its parts.
func SplitCard(card string) (CardParts, bool) {
	d, ok := NormalizeCard(card)
	if !ok {
		return CardParts{}, false
	}
	return CardParts{d[0:4], d[4:8], d[8:14], d[14:16], d[16:17]}, true
}

// FamilyPrefix is the first 14 digits of a card (CODINT+CODEMP+MATRIC), shared by a family.
func FamilyPrefix(card string) string {
	d := Digits(card)
	if len(d) < 14 {
		return d
	}
	return d[:14]
}

// FormatCard renders a card as 0001.1008.000027.01-0; anything else is returned unchanged.
func FormatCard(s string) string {
	p, ok := SplitCard(s)
	if !ok {
		return s
	}
	return p.CodInt + "." + p.CodEmp + "." + p.Matric + "." + p.TipReg + "-" + p.Digito
}

// NormalizePhone returns a Brazilian phone as DDD+number digits (10 or 11), dropping a leading 55 or 0.
// A number without DDD (8 or 9 digits) is returned as is. ok is false for anything else.
//
// The trunk "0" is dropped only before a DDD (0+DDD+number); DDDs and local numbers never start with 0,
// so the result is stable: NormalizePhone of a result returns it unchanged.
func NormalizePhone(s string) (string, bool) {
	if len(strings.TrimLeft(s, "0123456789()+-. ")) != 0 {
		return "", false
	}
	d := Digits(s)
	if strings.HasPrefix(strings.TrimSpace(s), "+") || len(d) >= 12 {
		d = strings.TrimPrefix(d, "55")
	}
	if (len(d) == 11 || len(d) == 12) && d[0] == '0' {
		d = d[1:]
	}
	switch len(d) {
	case 8, 9:
		if d[0] == '0' {
			return "", false
		}
		return d, true
	case 10, 11:
		if d[0] == '0' || d[1] == '0' { // DDDs are 11–99 without 0 digits
			return "", false
		}
		return d, true
	}
	return "", false
}

// FormatPhone renders (11) 98765-4321, (11) 3456-7890 or 98765-4321; anything else is returned unchanged.
func FormatPhone(s string) string {
	d := Digits(s)
	switch len(d) {
	case 11:
		return "(" + d[:2] + ") " + d[2:7] + "-" + d[7:]
	case 10:
		return "(" + d[:2] + ") " + d[2:6] + "-" + d[6:]
	case 9:
		return d[:5] + "-" + d[5:]
	case 8:
		return d[:4] + "-" + d[4:]
	}
	return s
}
