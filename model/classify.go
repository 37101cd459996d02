package model

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep a pasted novel from turning into a giant directory query.
const (
	maxTermBytes = 256 // longer terms are cut (at a rune boundary)
	maxWords     = 8   // further name words are ignored
	maxIDs       = 4   // further identifiers are ignored
)

// Classify reads a free search term (the attendant's, or buscaBeneficiarios' busca) into a Query.
//
// Each whitespace-separated token is one criterion, AND-ed with the others ("maria 12/03/1980" is a name word
// plus a birth date). A term without letters that spells a single identifier across spaces ("(11) 98765-4321",
// "235 764 830 98") is read whole. Digit tokens become identifiers:
//   - a valid CPF, formatted or not → [IDCPF, IDChaveUnica];
//   - 11 digits failing the CPF check → [IDChaveUnica, IDPhone (when it is a well-formed phone), IDContract].
//     Query.InvalidCPF is set when the term was written as a CPF (999.999.999-99) or, unformatted, does not look
//     like a mobile number (DDD + 9xxxx-xxxx): 15846772777 is flagged but still found as chaveUnica, while
//     11987654321 is taken for a phone and not flagged. A CPF-formatted invalid CPF is only [IDChaveUnica];
//   - 17 digits or a card written 0001.1008.000027.01-0 → [IDCard];
//   - a phone written with "(", "+", as 9876-5432/98765-4321, or 12–13 digits starting with 55 → [IDPhone],
//     normalised by NormalizePhone;
//   - 10 digits → [IDPhone (when well-formed), IDContract, IDChaveUnica];
//   - 9 digits starting with 9 (a mobile number without DDD) → [IDPhone, IDContract, IDChaveUnica, IDMatricula];
//   - any other run of digits (e.g. contract 0000001, or a registration id 123-123-321) → [IDContract, IDChaveUnica,
//     IDMatricula].
//
// DD/MM/AAAA, D/M/AAAA and AAAA-MM-DD tokens are the birth date (YYYY-MM-DD); a date-shaped token that is not a
// real date is ignored. A token with "@" (an e-mail used as chaveUnica) → [IDChaveUnica] with the raw token.
// Anything else is folded into name words. Identifiers are digits only. Never panics.
func Classify(term string) Query {
	term = clipTerm(strings.TrimSpace(strings.ToValidUTF8(term, " ")))
	var q Query
	if term == "" {
		return q
	}
	tokens := strings.Fields(term)
	if len(tokens) > 1 && !strings.ContainsFunc(term, unicode.IsLetter) && !strings.Contains(term, "@") &&
		!slices.ContainsFunc(tokens, isDateShaped) {
		if id, invalid, ok := wholeIdentifier(term); ok {
			q.addID(id)
			q.InvalidCPF = invalid
			return q
		}
	}
	for _, tok := range tokens {
		q.addToken(tok)
	}
	return q
}

// wholeIdentifier reads a letterless multi-token term as one identifier when its digits spell one.
func wholeIdentifier(term string) (Identifier, string, bool) {
	if strings.ContainsAny(term, "()") || strings.HasPrefix(term, "+") {
		if p, ok := NormalizePhone(term); ok {
			return Identifier{Value: p, Kinds: []IDKind{IDPhone}}, "", true
		}
	}
	switch d := Digits(term); len(d) {
	case 10, 11, 12, 13, CardLen:
		return classifyDigits(d)
	}
	return Identifier{}, "", false
}

func clipTerm(s string) string {
	if len(s) <= maxTermBytes {
		return s
	}
	n := maxTermBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (q *Query) addToken(tok string) {
	switch {
	case strings.Contains(tok, "@"):
		if tok != "@" {
			q.addID(Identifier{Value: tok, Kinds: []IDKind{IDChaveUnica}})
		}
	case isDateShaped(tok):
		if t, ok := ParseDate(tok); ok && q.BirthDate == "" {
			q.BirthDate = t.Format("2006-01-02")
		}
	case isDigitToken(tok):
		id, invalid, ok := classifyDigits(tok)
		if !ok {
			return
		}
		if q.addID(id) && invalid != "" && q.InvalidCPF == "" {
			q.InvalidCPF = invalid
		}
	default:
		for _, w := range NameWords(tok) {
			if len(q.Words) < maxWords && !slices.Contains(q.Words, w) {
				q.Words = append(q.Words, w)
			}
		}
	}
}

// addID appends id unless the query already has it or is full; it reports whether id was added.
func (q *Query) addID(id Identifier) bool {
	if id.Value == "" || len(id.Kinds) == 0 || len(q.IDs) >= maxIDs {
		return false
	}
	for _, o := range q.IDs {
		if o.Value == id.Value && slices.Equal(o.Kinds, id.Kinds) {
			return false
		}
	}
	q.IDs = append(q.IDs, id)
	return true
}

// isDigitToken reports whether tok is digits written with the separators people use in documents and phones.
func isDigitToken(tok string) bool {
	hasDigit := false
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case c >= '0' && c <= '9':
			hasDigit = true
		case strings.IndexByte(".-/()+", c) >= 0:
		default:
			return false
		}
	}
	return hasDigit
}

// isDateShaped reports whether tok is written as D/M/AAAA or AAAA-M-D (valid or not).
func isDateShaped(tok string) bool {
	if _, _, y, ok := split3(tok, '/'); ok && len(y) == 4 {
		return true
	}
	y, _, _, ok := split3(tok, '-')
	return ok && len(y) == 4 && len(tok) <= 10
}

// shaped reports whether s matches layout, where '9' is a digit and anything else is itself.
func shaped(s, layout string) bool {
	if len(s) != len(layout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if layout[i] == '9' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != layout[i] {
			return false
		}
	}
	return true
}

// looksMobile reports whether 11 digits read as DDD + a mobile number (9xxxx-xxxx).
func looksMobile(d string) bool { return len(d) == 11 && d[0] != '0' && d[1] != '0' && d[2] == '9' }

// classifyDigits turns a digit token into an identifier; the second result is the digits of a failed CPF.
func classifyDigits(tok string) (Identifier, string, bool) {
	d := Digits(tok)
	if d == "" {
		return Identifier{}, "", false
	}
	id := func(v string, kinds ...IDKind) Identifier { return Identifier{Value: v, Kinds: kinds} }
	isPhone := func(v string) bool { p, ok := NormalizePhone(v); return ok && p == v }
	if strings.ContainsAny(tok, "()") || strings.HasPrefix(tok, "+") {
		if p, ok := NormalizePhone(tok); ok {
			return id(p, IDPhone), "", true
		}
	}
	if shaped(tok, "999.999.999-99") {
		if ValidCPF(d) {
			return id(d, IDCPF, IDChaveUnica), "", true
		}
		return id(d, IDChaveUnica), d, true
	}
	if len(d) == CardLen || shaped(tok, "9999.9999.999999.99-9") {
		return id(d, IDCard), "", true
	}
	if shaped(tok, "9999-9999") || shaped(tok, "99999-9999") {
		if p, ok := NormalizePhone(tok); ok {
			return id(p, IDPhone), "", true
		}
	}
	switch len(d) {
	case 11:
		if ValidCPF(d) {
			return id(d, IDCPF, IDChaveUnica), "", true
		}
		kinds := []IDKind{IDChaveUnica}
		if isPhone(d) {
			kinds = append(kinds, IDPhone)
		}
		kinds = append(kinds, IDContract)
		invalid := ""
		if !looksMobile(d) {
			invalid = d
		}
		return Identifier{Value: d, Kinds: kinds}, invalid, true
	case 10:
		if isPhone(d) {
			return id(d, IDPhone, IDContract, IDChaveUnica), "", true
		}
	case 12, 13:
		if p, ok := NormalizePhone(d); ok && strings.HasPrefix(d, "55") && len(p) >= 10 {
			return id(p, IDPhone), "", true
		}
	case 9:
		if d[0] == '9' { // a mobile number without its DDD, typed without the hyphen
			return id(d, IDPhone, IDContract, IDChaveUnica, IDMatricula), "", true
		}
	}
	return id(d, IDContract, IDChaveUnica, IDMatricula), "", true
}
