package model

import (
	"slices"
	"strings"
)

// When the directory finds nobody, the health-plan system's own search can be asked: it takes one key, a name,
// a card or a CPF. FallbackKey picks that key from a query, and Satisfies checks each answer against the whole
// query, so that an answer from the plan meets every criterion the attendant gave, as a directory row would.

// FallbackKey returns the key to ask the health-plan search with, and false when the query cannot be answered
// there: a criterion the plan's answers cannot be checked against (a phone, a contract, a registration id), or
// nothing to search by (a birth date alone). A card wins over a CPF, a CPF over a name.
func FallbackKey(q Query) (string, bool) {
	if q.Empty() {
		return "", false
	}
	var card, cpf string
	for _, id := range q.IDs {
		switch {
		case slices.Contains(id.Kinds, IDCard):
			card = id.Value
		case slices.Contains(id.Kinds, IDCPF):
			cpf = id.Value
		case slices.Contains(id.Kinds, IDChaveUnica) && len(q.Words) > 0:
			// checked against the answer's key below; the name is the search
		default:
			return "", false
		}
	}
	switch {
	case card != "":
		return card, true
	case cpf != "":
		return cpf, true
	case len(q.Words) > 0:
		return strings.Join(q.Words, " "), true
	}
	return "", false
}

// Satisfies reports whether a beneficiary meets every criterion of q: each name word a prefix of one of its name
// words, each identifier equal to its CPF, card or chaveUnica (as the identifier's kinds allow), and its birth
// date. A criterion it cannot be checked on (no birth date known, a phone) does not satisfy.
func Satisfies(b Beneficiary, q Query) bool {
	if q.Empty() {
		return false
	}
	names := NameWords(b.Name)
	for _, w := range q.Words {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, w) }) {
			return false
		}
	}
	for _, id := range q.IDs {
		if !identifierMatches(b, id) {
			return false
		}
	}
	if q.BirthDate != "" {
		t, ok := ParseDate(b.BirthDate)
		if !ok || t.Format("2006-01-02") != q.BirthDate {
			return false
		}
	}
	return true
}

func identifierMatches(b Beneficiary, id Identifier) bool {
	for _, k := range id.Kinds {
		switch k {
		case IDCPF:
			if Digits(b.CPF) == id.Value && id.Value != "" {
				return true
			}
		case IDCard:
			if c, ok := NormalizeCard(b.Card); ok && c == id.Value {
				return true
			}
		case IDChaveUnica:
			if k := NormalizeChave(b.ChaveUnica); k != "" && k == NormalizeChave(id.Value) {
				return true
			}
		}
	}
	return false
}
