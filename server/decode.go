package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// field names the criterion a request key stands for.
type field int

const (
	fieldUnknown field = iota
	fieldCPF
	fieldName
	fieldChave
	fieldCard      // carteirinha, cartao, numeroCarteira, subscriberId: a 17-digit card
	fieldMatricula // matricula, idMatricula: a card, or the operator's own registration id
	fieldContract
	fieldPhone
	fieldBirth
	fieldTerm
)

// fieldByKey maps a folded key (lower case, without '_' and '-') to its criterion; several keys may name one.
var fieldByKey = map[string]field{
	"cpf":            fieldCPF,
	"nome":           fieldName,
	"chaveunica":     fieldChave,
	"carteirinha":    fieldCard,
	"cartao":         fieldCard,
	"numerocarteira": fieldCard,
	"subscriberid":   fieldCard,
	"matricula":      fieldMatricula,
	"idmatricula":    fieldMatricula,
	"numerocontrato": fieldContract,
	"telefone":       fieldPhone,
	"celular":        fieldPhone,
	"datanascimento": fieldBirth,
	"busca":          fieldTerm,
	"termo":          fieldTerm,
	"pesquisa":       fieldTerm,
	"valor":          fieldTerm,
	"filtro":         fieldTerm,
	"q":              fieldTerm,
}

// foldKey lower-cases a key and drops '_' and '-': "numero_contrato" and "numeroContrato" both read "numerocontrato".
func foldKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for _, r := range strings.ToLower(k) {
		if r != '_' && r != '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// search is a decoded buscaBeneficiarios request.
type search struct {
	Query    model.Query
	Criteria []string // masked "kind=value" pairs, safe for logs
	Unknown  int      // how many keys the service does not know (counted, never kept: a key may be personal data)
	Refusal  string   // non-empty: answer {"status":"false","mensagem":Refusal} without searching
	Empty    bool     // the query cannot match anything (contradictory criteria): answer "not found"
}

// inputError is a request the service cannot read at all (HTTP 400); Msg is the pt-BR answer.
type inputError struct{ Msg, Detail string }

func (e *inputError) Error() string { return "busca input: " + e.Detail }

// decodeSearch reads a buscaBeneficiarios body into a search. A body that is not one JSON object, or a criterion
// whose value is not text, number or null, is an *inputError; every other problem is a Refusal or an empty result.
func decodeSearch(body []byte) (search, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return search{}, &inputError{Msg: i18n.ServerBadJSON, Detail: err.Error()}
	}
	if raw == nil { // the literal null
		return search{}, &inputError{Msg: i18n.ServerBadJSON, Detail: "null body"}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return search{}, &inputError{Msg: i18n.ServerBadJSON, Detail: "data after the JSON object"}
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic criteria order in logs and queries

	var s search
	births := map[string]bool{}
	for _, k := range keys {
		f := fieldByKey[foldKey(k)]
		if f == fieldUnknown {
			s.Unknown++
			continue
		}
		v, isNum, err := scalar(raw[k])
		if err != nil {
			return search{}, &inputError{Msg: i18n.ServerFieldType(truncate(k, 40)), Detail: fmt.Sprintf("key %q: %v", truncate(k, 40), err)}
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if msg := s.add(f, v, isNum, births); msg != "" && s.Refusal == "" {
			s.Refusal = msg
		}
	}
	if len(births) > 1 {
		s.Empty = true
	}
	if s.Refusal == "" && s.Query.Empty() {
		s.Refusal = i18n.ServerNoCriterion
	}
	if s.Refusal == "" && len(s.Query.Words) == 0 && len(s.Query.IDs) == 0 {
		s.Refusal = i18n.ServerBirthDateAlone
	}
	if s.Refusal == "" && !s.narrow() {
		s.Refusal = i18n.ServerNameTooShort(minNameLetters)
	}
	return s, nil
}

// minNameLetters is how many letters one word needs for a name to be searched alone: shorter prefixes would
// let a caller walk the directory ("ab", "ac", …).
const minNameLetters = 3

// narrow reports whether the query is specific enough to answer: an identifier or a birth date, or a name with
// a word of at least minNameLetters letters.
func (s *search) narrow() bool {
	if len(s.Query.IDs) > 0 || s.Query.BirthDate != "" {
		return true
	}
	for _, w := range s.Query.Words {
		if utf8.RuneCountInString(w) >= minNameLetters {
			return true
		}
	}
	return false
}

// add merges one criterion into the search; it returns a pt-BR refusal when the value cannot be a criterion.
func (s *search) add(f field, v string, isNum bool, births map[string]bool) string {
	switch f {
	case fieldCPF:
		return s.addCPF(v, isNum)
	case fieldChave:
		key := model.NormalizeChave(v) // a formatted CPF used as chaveUnica keeps its digits
		s.addID(model.Identifier{Value: key, Kinds: []model.IDKind{model.IDChaveUnica}})
		s.Criteria = append(s.Criteria, "chaveUnica="+model.MaskTerm(key))
	case fieldCard, fieldMatricula:
		return s.addCard(v, isNum, f == fieldMatricula)
	case fieldContract:
		s.addID(model.Identifier{Value: v, Kinds: []model.IDKind{model.IDContract}})
		s.Criteria = append(s.Criteria, "contrato="+model.MaskTerm(v))
	case fieldPhone:
		p, ok := model.NormalizePhone(v)
		if !ok {
			return i18n.ServerInvalidPhone
		}
		s.addID(model.Identifier{Value: p, Kinds: []model.IDKind{model.IDPhone}})
		s.Criteria = append(s.Criteria, "telefone="+model.MaskPhone(p))
	case fieldBirth:
		d, ok := parseBirthDate(v)
		if !ok {
			return i18n.ServerInvalidDate
		}
		s.Query.BirthDate = d
		births[d] = true
		s.Criteria = append(s.Criteria, "dataNascimento=**/**/"+d[:4])
	case fieldName:
		w := model.NameWords(v)
		if len(w) == 0 {
			return i18n.ServerInvalidName
		}
		s.addWords(w)
		s.Criteria = append(s.Criteria, "nome="+model.MaskName(strings.Join(w, " ")))
	case fieldTerm:
		s.addTerm(v, births)
	}
	return ""
}

// addCPF adds a cpf criterion: 11 digits, formatted or not; a CPF whose check digits fail is still searched
// (as a chaveUnica too) and remembered in Query.InvalidCPF.
func (s *search) addCPF(v string, isNum bool) string {
	d := model.Digits(v)
	if isNum && len(d) < 11 { // a JSON number lost the CPF's leading zeros
		d = strings.Repeat("0", 11-len(d)) + d
	}
	if _, plain := model.DocumentDigits(v); len(d) != 11 || !plain {
		return i18n.ServerInvalidCPF
	}
	s.addID(model.Identifier{Value: d, Kinds: []model.IDKind{model.IDCPF, model.IDChaveUnica}})
	if !model.ValidCPF(d) && s.Query.InvalidCPF == "" {
		s.Query.InvalidCPF = d
	}
	s.Criteria = append(s.Criteria, "cpf="+model.MaskCPF(d))
	return ""
}

// addCard adds a card criterion; under a matrícula key a value that is not a card is the operator's own
// registration id instead.
func (s *search) addCard(v string, isNum, matricula bool) string {
	card, ok := model.NormalizeCard(v)
	if !ok && isNum && len(card) >= 14 && len(card) < model.CardLen { // a JSON number lost the leading zeros
		card, ok = strings.Repeat("0", model.CardLen-len(card))+card, true
	}
	switch {
	case ok:
		s.addID(model.Identifier{Value: card, Kinds: []model.IDKind{model.IDCard}})
		s.Criteria = append(s.Criteria, "carteirinha="+model.MaskTerm(card))
	case matricula:
		// Not a card: the operator's own registration id (an id_matricula such as "123-123-321"), or a
		// chaveUnica keyed by registration.
		s.addID(model.Identifier{Value: v, Kinds: []model.IDKind{model.IDMatricula, model.IDChaveUnica}})
		s.Criteria = append(s.Criteria, "matricula="+model.MaskTerm(v))
	default:
		return i18n.ServerInvalidCard
	}
	return ""
}

// addTerm adds a free search term, read by model.Classify into name words, identifiers and a birth date.
func (s *search) addTerm(v string, births map[string]bool) {
	q := &s.Query
	c := model.Classify(v)
	s.addWords(c.Words)
	for _, id := range c.IDs {
		s.addID(id)
	}
	if c.BirthDate != "" {
		q.BirthDate = c.BirthDate
		births[c.BirthDate] = true
	}
	if q.InvalidCPF == "" {
		q.InvalidCPF = c.InvalidCPF
	}
	if !c.Empty() {
		s.Criteria = append(s.Criteria, "busca="+model.MaskTerm(v))
	}
}

// Bounds that keep one request from turning into a giant directory query (as model.Classify does).
const (
	maxWords = 8
	maxIDs   = 8
)

// addWords adds name words, skipping repeats and those past maxWords.
func (s *search) addWords(ws []string) {
	for _, w := range ws {
		if len(s.Query.Words) < maxWords && !slices.Contains(s.Query.Words, w) {
			s.Query.Words = append(s.Query.Words, w)
		}
	}
}

// addID adds an identifier unless the query already holds maxIDs.
func (s *search) addID(id model.Identifier) {
	if len(s.Query.IDs) < maxIDs {
		s.Query.IDs = append(s.Query.IDs, id)
	}
}

// parseBirthDate reads DD/MM/AAAA or AAAA-MM-DD (and what model.ParseDate reads leniently) into YYYY-MM-DD.
func parseBirthDate(v string) (string, bool) {
	t, err := time.Parse("02/01/2006", v)
	if err != nil {
		t, err = time.Parse("2006-01-02", v)
	}
	ok := err == nil
	if !ok {
		t, ok = model.ParseDate(v)
	}
	if !ok || t.Year() < 1000 || t.Year() > 9999 {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// scalar reads a JSON value as text: a string, or a number's literal digits; null reads "". Anything else errs.
func scalar(m json.RawMessage) (v string, isNum bool, err error) {
	m = bytes.TrimSpace(m)
	if len(m) == 0 {
		return "", false, nil
	}
	switch c := m[0]; {
	case c == 'n':
		return "", false, nil
	case c == '"':
		var s string
		if err := json.Unmarshal(m, &s); err != nil {
			return "", false, err
		}
		return s, false, nil
	case c == '-' || (c >= '0' && c <= '9'):
		for _, d := range m {
			if d < '0' || d > '9' {
				return "", false, errors.New("number is not a whole non-negative number")
			}
		}
		return string(m), true, nil
	}
	return "", false, errors.New("value is not text, number or null")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
