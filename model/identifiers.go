package model

import (
	"strings"
)

// This file is the one place that knows how balcão's identifiers are written, normalised, validated and
// classified: CPF, TOTVS card, Mosia chaveUnica, phone, the operator's matrícula and the contract number. The
// import, the busca decoder, the forms and the directory's storage all call these functions, so a rule exists
// once. Classify (classify.go) reads a free search term with them.

// separators are the punctuation people write inside document numbers; a CPF is written with cpfSeparators.
const (
	separators    = ".-/ "
	cpfSeparators = ".- "
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
	if len(d) != 11 || len(strings.TrimLeft(s, "0123456789"+cpfSeparators)) != 0 {
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
	d, ok := DocumentDigits(s)
	if !ok {
		return "", false
	}
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

// DocumentDigits returns the digits of s and whether s is written with digits and document punctuation
// (".", "-", "/", spaces) only, as people write a CPF, a card or a contract number.
func DocumentDigits(s string) (string, bool) {
	return Digits(s), strings.Trim(s, "0123456789"+separators) == ""
}

// NormalizeChave returns a chaveUnica in the form it is stored and sent: a key written with only digits and
// document punctuation (a CPF, formatted or not) keeps its digits; an e-mail is lower-cased; anything else is
// trimmed. "" stays "".
func NormalizeChave(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "@"):
		return strings.ToLower(s)
	}
	if d, ok := DocumentDigits(s); ok {
		return d
	}
	return s
}

// CPFShaped reports whether s is written as a CPF: digits and CPF punctuation only, 11 digits (valid or not).
func CPFShaped(s string) bool {
	return strings.Trim(s, "0123456789"+cpfSeparators) == "" && len(Digits(s)) == 11
}

// PhoneKeys normalises a phone into (DDD+number, number without DDD), the forms a phone is searched by; a
// phone NormalizePhone cannot read keeps its digits. "" for no phone.
func PhoneKeys(s string) (full, local string) {
	if strings.TrimSpace(s) == "" {
		return "", ""
	}
	p, ok := NormalizePhone(s)
	if !ok {
		p = Digits(s)
	}
	if len(p) >= 10 && len(p) <= 11 {
		return p, p[2:]
	}
	return p, p
}

// MatriculaKey is the searchable form of the operator's registration id (id_matricula): its letters (folded,
// lower-case) and digits only, so "123-123-321" and "123.123.321" are the same key.
func MatriculaKey(s string) string {
	f := FoldText(s)
	b := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		if c := f[i]; c >= '0' && c <= '9' || c >= 'a' && c <= 'z' {
			b = append(b, c)
		}
	}
	return string(b)
}

// ContractKey is the searchable form of a contract number: a digits-only number loses its leading zeros
// ("0000001" and "1" are one contract), anything else is trimmed.
func ContractKey(number string) string {
	n := strings.TrimSpace(number)
	if n == "" {
		return ""
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return n
		}
	}
	if t := strings.TrimLeft(n, "0"); t != "" {
		return t
	}
	return "0"
}

// ValidEmail is a deliberately simple e-mail check: one @, a local part, a dotted domain, no spaces.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || strings.ContainsAny(s, " \t<>,;") {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1 && !strings.Contains(domain, "..")
}
