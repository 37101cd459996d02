package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/balcao/balcao/client/mosia"
)

// storedOccurrence is an occurrence the sandbox created, kept as it was sent so that GET
// /clientes/ocorrencias/{protocolo} serves it back (tests and people check the text that arrived).
type storedOccurrence struct {
	proto     mosia.Protocol
	req       mosia.OccurrenceRequest
	typ       OccurrenceType
	subjectID int
	at        time.Time
}

// ScriptStep is what one POST /clientes/ocorrencias meets, scripted before the random faults.
type ScriptStep int

// Script steps.
const (
	ScriptNone            ScriptStep = iota // no script: the random faults decide
	ScriptOK                                // created and answered
	ScriptFail                              // a 5xx before anything is created
	ScriptDrop                              // the connection dropped before anything is created
	ScriptDropAfterCreate                   // created, then the connection dropped: the answer is lost
)

// Script queues steps for the next occurrence creations, in order; the random faults apply again after them.
func (s *Sandbox) Script(steps ...ScriptStep) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, steps...)
}

// peekScriptLocked is the step the next creation meets, without taking it (s.mu held).
func (s *Sandbox) peekScriptLocked() ScriptStep {
	if len(s.script) == 0 {
		return ScriptNone
	}
	return s.script[0]
}

// nextScriptLocked takes the next step (s.mu held).
func (s *Sandbox) nextScriptLocked() ScriptStep {
	st := s.peekScriptLocked()
	if len(s.script) > 0 {
		s.script = s.script[1:]
	}
	return st
}

// scripted applies the steps that happen before a creation (a 5xx, a drop); the others are the handler's.
func (s *Sandbox) scripted(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		st := s.peekScriptLocked()
		if st == ScriptFail || st == ScriptDrop {
			s.nextScriptLocked()
		}
		s.mu.Unlock()
		switch st {
		case ScriptFail:
			s.failWith(w, r, http.StatusBadGateway)
		case ScriptDrop:
			dropConn(w)
		default:
			next(w, r)
		}
	}
}

// nextProtocolLocked numbers a new occurrence: never a number this sandbox, an earlier run of it the same day
// (see protocolSeqStart), or Options.ProtocolFloor handed out (s.mu held).
func (s *Sandbox) nextProtocolLocked(now time.Time) string {
	day := now.In(saoPaulo()).Format("20060102")
	if day != s.seqDay {
		s.seqDay, s.seq = day, protocolSeqStart(now)
		if fd, fs, ok := parseProtocolSeq(s.opts.ProtocolFloor); ok && fd == day {
			s.seq = max(s.seq, fs+1)
		}
	} else {
		s.seq = max(s.seq+1, protocolSeqStart(now))
	}
	return RegANS + day + strconv.Itoa(1_000_000 + s.seq%1_000_000)[1:]
}

// Occurrence returns a created occurrence's request as the sandbox received it, by protocol.
func (s *Sandbox) Occurrence(protocol string) (mosia.OccurrenceRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.occurrences[protocol]
	if !ok {
		return mosia.OccurrenceRequest{}, false
	}
	return o.req, true
}

// handleDetail answers GET /clientes/ocorrencias/{protocolo} for the occurrences this sandbox created, in the
// detail's shape (ISO dates, subject as an object, the vendor's "implementação futura" placeholders), with the
// text as it arrived.
func (s *Sandbox) handleDetail(w http.ResponseWriter, r *http.Request) {
	protocol := strings.TrimSpace(r.PathValue("protocolo"))
	s.mu.Lock()
	o, ok := s.occurrences[protocol]
	var d map[string]any
	if ok {
		d = o.detail()
	}
	s.mu.Unlock()
	if !ok {
		s.mosiaError(w, http.StatusNotFound, msgMosiaNoOccurrence)
		return
	}
	writeJSON(w, http.StatusOK, envelope{Status: true, Data: d, Message: msgMosiaOccurrenceLoaded, Critical: []any{},
		StatusCode: http.StatusOK, Timestamp: s.clock().UnixMilli()})
}

const placeholder = "implementação futura"

// detail is the occurrence in the detail endpoint's shape (s.mu held by the caller).
func (o *storedOccurrence) detail() map[string]any {
	iso := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	party := func(r *mosia.Requester) map[string]any {
		if r == nil {
			return nil
		}
		return map[string]any{"nome": r.Nome, "chaveUnica": r.ChaveUnica, "email": r.Email, "telefone": r.Telefone,
			"numeroContrato": o.req.NumeroContrato, "integracao": placeholder}
	}
	var forms []map[string]any
	for _, f := range o.req.Formularios {
		items := make([]any, len(f.FormData))
		for i, d := range f.FormData {
			items[i] = d
		}
		forms = append(forms, map[string]any{"nome": nil, "idForm": f.IDForm, "itens": items})
	}
	subject := map[string]any{"id": nil, "descricao": nil}
	if o.subjectID != 0 {
		subject = map[string]any{"id": o.subjectID, "descricao": o.proto.Assunto.Descricao}
	}
	return map[string]any{
		"funcionalidade": map[string]any{"id": nilIfZero(o.req.IDFuncionalidade), "descricao": nil},
		"ocorrencia": map[string]any{
			"protocolo": string(o.proto.Protocolo), "dataRegistro": iso(o.at), "dataAtualizacao": iso(o.at),
			"dataVencimentoSla":   iso(o.at.Add(72 * time.Hour)),
			"tipoOcorrencia":      map[string]any{"id": o.typ.ID, "descricao": o.typ.Name},
			"assunto":             subject,
			"status":              wireID(o.proto.Status),
			"rascunho":            o.req.Rascunho,
			"solicitante":         party(&o.req.Solicitante),
			"beneficiario":        party(o.req.Beneficiario),
			"canal":               map[string]any{"id": placeholder, "descricao": placeholder},
			"naturezaAtendimento": map[string]any{"id": placeholder, "descricao": placeholder},
			"anotacao":            o.req.Anotacao,
			"solicitacao": map[string]any{"template": map[string]any{"id": nil, "descricao": nil},
				"formularios": forms},
		},
	}
}

func nilIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
