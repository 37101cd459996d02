package mosia

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // America/Sao_Paulo must load on machines without zoneinfo

	"github.com/balcao/balcao/model"
)

// RegistrationTime reads a protocol's registration time as Mosia writes it: epoch milliseconds as a string in
// the list of latest protocols, an ISO 8601 time in an occurrence's detail; read leniently too as ISO without a
// zone or DD/MM/AAAA HH:MM[:SS] (São Paulo time), and a date alone (DayOnly: the start of that day in São
// Paulo). "" is NoDate; anything else Unreadable.
func RegistrationTime(s string) (time.Time, model.Precision) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, model.NoDate
	}
	if t, ok := epochMillis(s); ok {
		return t, model.Exact
	}
	if t, ok := brDateTime(s); ok {
		return t, model.Exact
	}
	t, ok := model.ParseDate(s)
	if !ok {
		return time.Time{}, model.Unreadable
	}
	if strings.ContainsAny(s, "Tt:") {
		return t, model.Exact
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, saoPaulo()), model.DayOnly
}

// brDateTime reads DD/MM/AAAA HH:MM or DD/MM/AAAA HH:MM:SS in São Paulo time.
func brDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{"02/01/2006 15:04:05", "02/01/2006 15:04", "2/1/2006 15:04:05", "2/1/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, saoPaulo()); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var saoPaulo = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return loc
	}
	return time.FixedZone("-03", -3*60*60)
})

// epochMillis reads an epoch-milliseconds string (ultimosProtocolos' data_registro).
//
// Up to 11 digits are taken as seconds (a 10-digit value is a plausible epoch in seconds); 12 to 16 digits as
// milliseconds. Empty, zero, signs or anything that is not digits → false.
func epochMillis(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if !allDigits(s) || len(s) > 16 {
		return time.Time{}, false
	}
	n := int64(0)
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	switch {
	case n == 0:
		return time.Time{}, false
	case len(s) <= 11:
		return time.Unix(n, 0).UTC(), true
	default:
		return time.UnixMilli(n).UTC(), true
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Model converts a listed protocol.
func (p Protocol) Model() model.Protocol {
	out := model.Protocol{
		Number:      strings.TrimSpace(p.Protocolo.String()),
		Type:        refOf(p.TipoOcorrencia),
		Subject:     strings.TrimSpace(p.Assunto.Descricao),
		Status:      refOf(p.Status),
		Beneficiary: partyOf(p.Beneficiario),
		Requester:   partyOf(p.Solicitante),
	}
	out.Registered, out.RegisteredP = RegistrationTime(p.DataRegistro.String())
	out.Updated, _ = RegistrationTime(p.DataAtualizacao.String())
	return out
}

func refOf(d IDDesc) model.Ref {
	id, _ := d.ID.Int()
	return model.Ref{ID: id, Name: strings.TrimSpace(d.Descricao)}
}

// partyOf reads a listed person; Mosia may append " - <chaveUnica>" to the name, which is dropped.
func partyOf(p Person) model.Party {
	key := strings.TrimSpace(p.ChaveUnica)
	name := strings.TrimSpace(p.Nome)
	if key != "" {
		name = strings.TrimSpace(strings.TrimSuffix(name, " - "+key))
	}
	return model.Party{Name: name, ChaveUnica: key}
}

// requestOf is the body of POST /clientes/ocorrencias for an occurrence.
func requestOf(o model.Occurrence) OccurrenceRequest {
	req := OccurrenceRequest{
		IDFuncionalidade: o.Function,
		IDTipoOcorrencia: o.TypeID,
		IDAssunto:        o.SubjectID,
		Rascunho:         o.Draft,
		Solicitante:      requesterOf(o.Requester),
		NumeroContrato:   o.Contract,
		Anotacao:         o.Note,
	}
	if o.Beneficiary != nil {
		b := requesterOf(*o.Beneficiary)
		b.NumeroContrato = o.Contract
		req.Beneficiario = &b
	}
	for _, f := range o.Forms {
		data := make(map[string]any, len(f.Fields))
		for _, a := range f.Fields {
			if a.Choice {
				data[a.Key] = map[string]any{"label": a.Label, "value": a.Value}
			} else {
				data[a.Key] = a.Value
			}
		}
		req.Formularios = append(req.Formularios, Form{IDForm: f.FormID, FormData: []map[string]any{data}})
	}
	return req
}

func requesterOf(p model.Party) Requester {
	return Requester{Nome: p.Name, ChaveUnica: p.ChaveUnica, Email: p.Email, Telefone: p.Phone}
}
