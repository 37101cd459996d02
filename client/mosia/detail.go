package mosia

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Model converts an occurrence's detail. Placeholder values ("implementação futura") and null ids are dropped.
func (d *Detail) Model() *model.ProtocolDetail {
	o := d.Ocorrencia
	out := &model.ProtocolDetail{
		Protocol: model.Protocol{
			Number:    strings.TrimSpace(o.Protocolo.String()),
			Type:      detailRef(o.TipoOcorrencia),
			Subject:   clean(o.Assunto.Descricao),
			Status:    detailRef(o.Status),
			Requester: detailParty(&o.Solicitante),
		},
		Function:   detailRef(d.Funcionalidade),
		Draft:      o.Rascunho.Known && o.Rascunho.Value,
		DraftKnown: o.Rascunho.Known,
		Channel:    clean(o.Canal.Descricao),
		Nature:     clean(o.NaturezaAtendimento.Descricao),
		Note:       strings.TrimSpace(o.Anotacao.String()),
	}
	out.SubjectID, _ = strconv.Atoi(strings.TrimSpace(o.Assunto.ID))
	if o.Beneficiario != nil {
		out.Beneficiary = detailParty(o.Beneficiario)
	} else {
		out.Beneficiary = out.Requester
	}
	out.Registered, out.RegisteredP = RegistrationTime(o.DataRegistro.String())
	out.Updated, _ = RegistrationTime(o.DataAtualizacao.String())
	if t, p := RegistrationTime(o.DataVencimentoSla.String()); p == model.Exact || p == model.DayOnly {
		out.SLADue = t
	}
	out.Contract = clean(o.Solicitante.NumeroContrato.String())
	if out.Contract == "" && o.Beneficiario != nil {
		out.Contract = clean(o.Beneficiario.NumeroContrato.String())
	}
	if o.Anotacoes != nil {
		out.NotesKnown = true
		for _, a := range *o.Anotacoes {
			n := model.Note{Text: strings.TrimSpace(a.Mensagem), Public: a.Publica.Value}
			n.AttendantID, _ = a.IDAtendente.Int()
			if t, p := RegistrationTime(a.DataRegistro.String()); p == model.Exact || p == model.DayOnly {
				n.At = t
			}
			out.Notes = append(out.Notes, n)
		}
	}
	if o.Desfecho != nil {
		out.Outcome = clean(o.Desfecho.Texto)
		out.ClosingReason = detailRef(o.Desfecho.Motivo)
	}
	for _, f := range o.Solicitacao.Formularios {
		if fv, ok := formView(f); ok {
			out.Forms = append(out.Forms, fv)
		}
	}
	return out
}

// clean trims a value and drops the vendor's placeholder.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if model.IsPlaceholder(s) {
		return ""
	}
	return s
}

// detailRef reads an {id, descricao} pair, dropping placeholders and non-numeric ids.
func detailRef(d IDDesc) model.Ref {
	id, _ := d.ID.Int()
	return model.Ref{ID: id, Name: clean(d.Descricao)}
}

// detailParty reads the detail's requester or beneficiary (the name may carry " - <chaveUnica>").
func detailParty(p *DetailPerson) model.Party {
	out := partyOf(Person{Nome: clean(p.Nome), ChaveUnica: clean(p.ChaveUnica.String())})
	out.Email = clean(p.Email)
	out.Phone = model.Digits(clean(p.Telefone.String()))
	return out
}

// formView reads one filled form; a form without any answer is dropped.
func formView(f DetailForm) (model.FormView, bool) {
	fv := model.FormView{ID: clean(f.IDForm.String()), Name: clean(f.Nome.String())}
	for _, raw := range f.Itens {
		fv.Answers = append(fv.Answers, itemAnswers(raw)...)
	}
	return fv, len(fv.Answers) > 0
}

// itemAnswers reads one form item: a labelled answer ({"label"|"rotulo"|"titulo", "valor"|"value"|"resposta"}),
// or an object of answers keyed by field (the shape forms are sent in), in the item's key order.
func itemAnswers(raw json.RawMessage) []model.Field {
	kvs, ok := orderedObject(raw)
	if !ok {
		if v := renderValue(raw); v != "" {
			return []model.Field{{Value: v}}
		}
		return nil
	}
	if label, value, ok := labelledAnswer(kvs); ok {
		if value == "" {
			return nil
		}
		return []model.Field{{Label: label, Value: value}}
	}
	var out []model.Field
	for _, kv := range kvs {
		if v := renderValue(kv.value); v != "" {
			out = append(out, model.Field{Label: kv.key, Value: v})
		}
	}
	return out
}

// labelledAnswer reads an item that is one field: a label key and a value key, and nothing that looks like answers.
func labelledAnswer(kvs []keyValue) (label, value string, ok bool) {
	var hasLabel, hasValue bool
	for _, kv := range kvs {
		switch strings.ToLower(kv.key) {
		case "label", "rotulo", "titulo", "pergunta":
			label, hasLabel = renderValue(kv.value), true
		case "valor", "value", "resposta":
			value, hasValue = renderValue(kv.value), true
		}
	}
	return label, value, hasLabel && hasValue
}

type keyValue struct {
	key   string
	value json.RawMessage
}

// orderedObject reads a JSON object's members in their written order; false when raw is no object.
func orderedObject(raw json.RawMessage) ([]keyValue, bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	tok, err := d.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out []keyValue
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, false
		}
		key, _ := k.(string)
		out = append(out, keyValue{key, v})
	}
	return out, true
}

// renderValue renders an answer for people: text as is, numbers verbatim, booleans as Sim/Não, a choice by its
// label, lists joined; placeholders and empties are "".
func renderValue(raw json.RawMessage) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return ""
	}
	return render(v)
}

func render(v any) string {
	switch x := v.(type) {
	case string:
		return clean(x)
	case json.Number:
		return x.String()
	case bool:
		if x {
			return i18n.FieldTrue
		}
		return i18n.FieldFalse
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s := render(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		for _, k := range []string{"label", "descricao", "rotulo", "value", "valor"} {
			if s := render(x[k]); s != "" {
				return s
			}
		}
	}
	return ""
}
