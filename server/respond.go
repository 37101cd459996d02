package server

import (
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Column is one column of Mosia's result table: ID is the row key, Description its header.
type Column struct{ ID, Description string }

// DefaultColumns are the columns of the answer Mosia's integration page shows, in its order.
func DefaultColumns() []Column {
	cols, _ := ColumnsFor([]string{"nome", "data_nascimento", "registro_geral", "id_matricula", "nome_mae",
		"numero_contrato", "contrato_descricao"})
	return cols
}

// columnHeaders are the headers of every column the service can fill (the seven of Mosia's page as it shows
// them, and the others).
var columnHeaders = map[string]string{
	"nome":               i18n.ColName,
	"data_nascimento":    i18n.ColBirth,
	"registro_geral":     i18n.ColRG,
	"id_matricula":       i18n.ColMatricula,
	"nome_mae":           i18n.ColMother,
	"numero_contrato":    i18n.ColContract,
	"contrato_descricao": i18n.ColContractDesc,
	"chaveUnica":         i18n.ColChave,
	"cpf":                i18n.ColCPF,
	"carteirinha":        i18n.ColCard,
	"telefone":           i18n.ColPhone,
	"email":              i18n.ColEmail,
	"situacao":           i18n.ColSituation,
}

// columnHeader is id's header; ok is false for an id the service cannot fill.
func columnHeader(id string) (string, bool) {
	h, ok := columnHeaders[id]
	return h, ok
}

// columnValue renders one column of a match; ok is false for an id the service does not know.
var columnValue = map[string]func(m *model.Match) string{
	"nome":               func(m *model.Match) string { return m.Beneficiary.Name },
	"data_nascimento":    func(m *model.Match) string { return dateBR(m.Beneficiary.BirthDate) },
	"registro_geral":     func(m *model.Match) string { return m.Beneficiary.RG },
	"id_matricula":       func(m *model.Match) string { return m.Beneficiary.IDMatricula },
	"nome_mae":           func(m *model.Match) string { return m.Beneficiary.MotherName },
	"numero_contrato":    func(m *model.Match) string { return m.Contract.Number },
	"contrato_descricao": func(m *model.Match) string { return m.Contract.Description },
	"chaveUnica":         func(m *model.Match) string { return m.Beneficiary.ChaveUnica },
	"cpf":                func(m *model.Match) string { return model.FormatCPF(m.Beneficiary.CPF) },
	"carteirinha":        func(m *model.Match) string { return model.FormatCard(m.Beneficiary.Card) },
	"telefone":           func(m *model.Match) string { return model.FormatPhone(m.Beneficiary.Phone) },
	"email":              func(m *model.Match) string { return m.Beneficiary.Email },
	"situacao":           func(m *model.Match) string { return m.Beneficiary.Situation },
}

// columnIDs lists the column ids the service can fill.
func columnIDs() []string {
	return []string{"nome", "data_nascimento", "registro_geral", "id_matricula", "nome_mae", "numero_contrato",
		"contrato_descricao", "chaveUnica", "cpf", "carteirinha", "telefone", "email", "situacao"}
}

// dateBR renders a directory date (YYYY-MM-DD, or anything model.ParseDate reads) as DD/MM/AAAA.
func dateBR(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
	}
	if t, ok := model.ParseDate(s); ok {
		return model.FormatDateBR(t)
	}
	return s
}

// rowKey is a column of the rendered rows: its JSON-quoted key and how to fill it.
type rowKey struct {
	quoted []byte
	value  func(m *model.Match) string
}

// layout is the precomputed shape of a success body.
type layout struct {
	head []byte // `{"coluna":[…],"beneficiarios":[`
	keys []rowKey
}

// newLayout encodes the coluna header once and fixes every row's keys: the columns, then chaveUnica, nome and
// numero_contrato when the columns lack them (Mosia requires them). Unknown column ids render as "".
func newLayout(cols []Column) (layout, []string) {
	var l layout
	var unknown []string
	l.head = append(l.head, `{"coluna":[`...)
	seen := map[string]bool{}
	add := func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		f, ok := columnValue[id]
		if !ok {
			unknown = append(unknown, id)
			f = func(*model.Match) string { return "" }
		}
		l.keys = append(l.keys, rowKey{quoted: appendJSONString(nil, id), value: f})
	}
	for i, c := range cols {
		if i > 0 {
			l.head = append(l.head, ',')
		}
		l.head = append(l.head, `{"id":`...)
		l.head = appendJSONString(l.head, c.ID)
		l.head = append(l.head, `,"descricao":`...)
		l.head = appendJSONString(l.head, c.Description)
		l.head = append(l.head, '}')
		add(c.ID)
	}
	add("chaveUnica")
	add("nome") // Mosia requires it on every row, listed among the columns or not
	add("numero_contrato")
	l.head = append(l.head, `],"beneficiarios":[`...)
	return l, unknown
}

// rows orders matches for Mosia: one row per (beneficiary, contract), rows of a contract adjacent with contracts
// ordered by their best match (model.GroupByContract), at most max rows.
func rows(ms []model.Match, max int) []model.Match {
	type key struct{ who, contract string }
	seen := make(map[key]bool, len(ms))
	uniq := make([]model.Match, 0, len(ms))
	for _, m := range ms {
		who := m.Beneficiary.ChaveUnica + "\x00" + m.Beneficiary.Card
		k := key{who, m.Contract.Number}
		if seen[k] {
			continue
		}
		seen[k] = true
		uniq = append(uniq, m)
	}
	out := make([]model.Match, 0, min(len(uniq), max))
	for _, g := range model.GroupByContract(uniq) {
		for _, m := range g.Matches {
			if len(out) == max {
				return out
			}
			out = append(out, m)
		}
	}
	return out
}

// appendBody renders the success body of the given rows.
func (l *layout) appendBody(b []byte, ms []model.Match) []byte {
	b = append(b, l.head...)
	for i := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j, k := range l.keys {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, k.quoted...)
			b = append(b, ':')
			b = appendJSONString(b, k.value(&ms[i]))
		}
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// failureBody renders the failure shape Mosia's integration page shows, {"status":"false","mensagem":msg}: status
// is the string "false", not a boolean.
func failureBody(msg string) []byte {
	b := append([]byte(nil), `{"status":"false","mensagem":`...)
	b = appendJSONString(b, msg)
	return append(b, "}\n"...)
}

// writeJSON writes a JSON body with its status.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD, like encoding/json.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ColumnsFor returns the columns named by ids, in that order, with their headers; an id the service cannot
// fill is an error naming it and the known ones.
func ColumnsFor(ids []string) ([]Column, error) {
	out := make([]Column, 0, len(ids))
	for _, id := range ids {
		desc, ok := columnHeader(id)
		if !ok {
			return nil, errors.New(i18n.ConfigUnknownColumn(id, columnIDs()))
		}
		out = append(out, Column{ID: id, Description: desc})
	}
	return out, nil
}
