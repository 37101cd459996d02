package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/balcao/balcao/client/mosia"
)

// occState is what the sandbox holds of a protocol it serves: an occurrence it created (kept as it was sent), or
// one of the dataset's history the first time a request touches it. Notes, status changes and activations are
// applied to it, so the list and the detail serve them back.
type occState struct {
	proto         mosia.Protocol           // the list's shape; status and data_atualizacao follow the changes
	req           *mosia.OccurrenceRequest // as it arrived (created ones); nil for the history
	requester     mosia.Requester
	beneficiary   *mosia.Requester
	typ           OccurrenceType
	subjectID     int
	function      int
	contract      string
	note          string
	forms         []mosia.Form
	at, updated   time.Time
	draft         bool
	notes         []RecordedNote
	outcome       string
	reason        Reason
	statusChanges int      // PUT …/status applied
	activations   int      // PUT …/ativar applied
	applied       []string // every change applied, in order: "anotacao", "status", "ativar"
}

// RecordedNote is a note the sandbox received on a protocol.
type RecordedNote struct {
	Text        string
	Public      bool
	AttendantID int
	At          time.Time
}

// ProtocolRecord is what the sandbox holds of a protocol, for tests: its status, notes and changes.
type ProtocolRecord struct {
	Protocol      string
	Status        mosia.IDDesc
	Draft         bool
	Notes         []RecordedNote
	Outcome       string
	Reason        Reason
	StatusChanges int
	Activations   int
	Applied       []string // every change applied, in order: "anotacao", "status", "ativar"
}

// ScriptStep is what one POST /clientes/ocorrencias meets, scripted before the random faults.
type ScriptStep int

// Script steps.
const (
	ScriptNone            ScriptStep = iota // no script: the random faults decide
	ScriptOK                                // created (or applied) and answered
	ScriptFail                              // a 5xx before anything is created or applied
	ScriptDrop                              // the connection dropped before anything is created or applied
	ScriptDropAfterCreate                   // created (or applied), then the connection dropped: the answer is lost
)

// Script queues steps for the next occurrence creations, in order; the random faults apply again after them.
func (s *Sandbox) Script(steps ...ScriptStep) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, steps...)
}

// ScriptFollowUps queues steps for the next notes, status changes and activations, in order.
func (s *Sandbox) ScriptFollowUps(steps ...ScriptStep) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.followScript = append(s.followScript, steps...)
}

// peekLocked is the step the next request of a queue meets, without taking it (s.mu held).
func peekLocked(q []ScriptStep) ScriptStep {
	if len(q) == 0 {
		return ScriptNone
	}
	return q[0]
}

// nextLocked takes the next step of a queue (s.mu held).
func nextLocked(q *[]ScriptStep) ScriptStep {
	st := peekLocked(*q)
	if len(*q) > 0 {
		*q = (*q)[1:]
	}
	return st
}

// nextScriptLocked takes the next creation step (s.mu held).
func (s *Sandbox) nextScriptLocked() ScriptStep { return nextLocked(&s.script) }

// scriptedOn applies the steps that happen before a request is handled (a 5xx, a drop); the others are the
// handler's. queue picks the script (creations or follow-ups).
func (s *Sandbox) scriptedOn(queue func() *[]ScriptStep, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		q := queue()
		st := peekLocked(*q)
		if st == ScriptFail || st == ScriptDrop {
			nextLocked(q)
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

// scripted applies the creation script.
func (s *Sandbox) scripted(next http.HandlerFunc) http.HandlerFunc {
	return s.scriptedOn(func() *[]ScriptStep { return &s.script }, next)
}

// scriptedFollowUp applies the follow-up script.
func (s *Sandbox) scriptedFollowUp(next http.HandlerFunc) http.HandlerFunc {
	return s.scriptedOn(func() *[]ScriptStep { return &s.followScript }, next)
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
	if !ok || o.req == nil {
		return mosia.OccurrenceRequest{}, false
	}
	return *o.req, true
}

// Protocol returns what the sandbox holds of a protocol it serves (created or from the history).
func (s *Sandbox) Protocol(protocol string) (ProtocolRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.stateLocked(protocol)
	if !ok {
		return ProtocolRecord{}, false
	}
	return ProtocolRecord{Protocol: protocol, Status: o.proto.Status, Draft: o.draft,
		Notes: append([]RecordedNote(nil), o.notes...), Outcome: o.outcome, Reason: o.reason,
		StatusChanges: o.statusChanges, Activations: o.activations, Applied: append([]string(nil), o.applied...)}, true
}

// stateLocked returns the state of a protocol, building it from the dataset's history on first use (s.mu held).
func (s *Sandbox) stateLocked(protocol string) (*occState, bool) {
	if o, ok := s.occurrences[protocol]; ok {
		return o, true
	}
	p, chave, ok := s.data.ProtocolByNumber(protocol)
	if !ok {
		return nil, false
	}
	o := s.historyState(p, chave)
	s.occurrences[protocol] = o
	return o, true
}

// historyState builds the state of a protocol of the dataset's history.
func (s *Sandbox) historyState(p mosia.Protocol, chave string) *occState {
	typ, _ := s.cat.typeByID(atoiOr(p.TipoOcorrencia.ID.String()))
	if typ.ID == 0 {
		typ = OccurrenceType{ID: atoiOr(p.TipoOcorrencia.ID.String()), Name: p.TipoOcorrencia.Descricao}
	}
	ms, _ := strconv.ParseInt(p.DataRegistro.String(), 10, 64)
	up, _ := strconv.ParseInt(p.DataAtualizacao.String(), 10, 64)
	o := &occState{proto: p, typ: typ, at: time.UnixMilli(ms), updated: time.UnixMilli(up), function: s.cat.IDFuncionalidade,
		requester: mosia.Requester{Nome: trimKey(p.Solicitante), ChaveUnica: p.Solicitante.ChaveUnica},
		draft:     p.Status.ID == statusDraft.ID}
	if p.Assunto.Present {
		o.subjectID = typ.subjectID(p.Assunto.Descricao)
	}
	if p.Beneficiario.ChaveUnica != "" && p.Beneficiario.ChaveUnica != p.Solicitante.ChaveUnica {
		o.beneficiary = &mosia.Requester{Nome: trimKey(p.Beneficiario), ChaveUnica: p.Beneficiario.ChaveUnica}
	}
	if who, ok := s.data.personByChave(chave); ok && len(who.contracts) > 0 {
		o.contract = who.contracts[0].Number
		o.requester.Email, o.requester.Telefone = who.email, who.phone
	}
	if p.Protocolo == seedPatrickProtocol {
		o.forms = seedPatrickForms()
	}
	return o
}

// seedPatrickProtocol is the newest protocol of Mosia's example (Patrick's): its detail carries a filled form.
const seedPatrickProtocol = "1111120240710000017"

func seedPatrickForms() []mosia.Form {
	return []mosia.Form{{IDForm: "64dcd2b1342146345191ee00", FormData: []map[string]any{{
		"seu-nome": "Patrick Oliveira Cabral", "cpf": SeedPatrick, "email": "patrick.cabral@exemplo.com.br",
		"telefone": "27997981966", "tipo": map[string]any{"label": "Reclamação", "value": "3"}}}}}
}

// trimKey drops the " - <chaveUnica>" suffix Mosia's list may add to a name.
func trimKey(p mosia.Person) string {
	return strings.TrimSpace(strings.TrimSuffix(p.Nome, " - "+p.ChaveUnica))
}

func atoiOr(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// handleDetail answers GET /clientes/ocorrencias/{protocolo} for the protocols the sandbox serves (created ones,
// and the history it lists), in the detail's shape (ISO dates, subject as an object, the vendor's "implementação
// futura" placeholders), with the text as it arrived and the notes and status changes since.
func (s *Sandbox) handleDetail(w http.ResponseWriter, r *http.Request) {
	protocol := strings.TrimSpace(r.PathValue("protocolo"))
	s.mu.Lock()
	o, ok := s.stateLocked(protocol)
	var d map[string]any
	if ok {
		d = o.detail(!s.opts.DetailWithoutNotes)
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

// slaHours is how long the sandbox's service level gives an occurrence.
const slaHours = 72

// iso writes a detail time.
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// detail is the occurrence in the detail endpoint's shape (s.mu held by the caller); withNotes lists the
// annotations (anotacoes), which the vendor's published example does not show.
func (o *occState) detail(withNotes bool) map[string]any {
	party := func(r *mosia.Requester) map[string]any {
		if r == nil {
			return nil
		}
		return map[string]any{"nome": r.Nome, "chaveUnica": r.ChaveUnica, "email": r.Email, "telefone": r.Telefone,
			"numeroContrato": o.contract, "integracao": placeholder}
	}
	var forms []map[string]any
	for _, f := range o.forms {
		items := make([]any, len(f.FormData))
		for i, d := range f.FormData {
			items[i] = d
		}
		forms = append(forms, map[string]any{"nome": nil, "idForm": f.IDForm, "itens": items})
	}
	subject := map[string]any{"id": nil, "descricao": nil}
	if o.proto.Assunto.Present {
		subject = map[string]any{"id": nilIfZero(o.subjectID), "descricao": o.proto.Assunto.Descricao}
	}
	occ := map[string]any{
		"protocolo": string(o.proto.Protocolo), "dataRegistro": iso(o.at), "dataAtualizacao": iso(o.updated),
		"dataVencimentoSla":   iso(o.at.Add(slaHours * time.Hour)),
		"tipoOcorrencia":      map[string]any{"id": o.typ.ID, "descricao": o.typ.Name},
		"assunto":             subject,
		"status":              wireID(o.proto.Status),
		"rascunho":            o.draft,
		"solicitante":         party(&o.requester),
		"beneficiario":        party(o.beneficiary),
		"canal":               map[string]any{"id": placeholder, "descricao": placeholder},
		"naturezaAtendimento": map[string]any{"id": placeholder, "descricao": placeholder},
		"anotacao":            o.note,
		"solicitacao": map[string]any{"template": map[string]any{"id": nil, "descricao": nil},
			"formularios": forms},
	}
	if withNotes {
		notes := make([]map[string]any, len(o.notes))
		for i, n := range o.notes {
			notes[i] = map[string]any{"mensagem": n.Text, "publica": n.Public, "idAtendente": nilIfZero(n.AttendantID),
				"dataRegistro": iso(n.At)}
		}
		occ["anotacoes"] = notes
	}
	if o.reason.ID != 0 || o.outcome != "" {
		occ["desfecho"] = map[string]any{"texto": o.outcome,
			"motivo": map[string]any{"id": nilIfZero(o.reason.ID), "descricao": o.reason.Name}}
	}
	return map[string]any{
		"funcionalidade": map[string]any{"id": nilIfZero(o.function), "descricao": nil},
		"ocorrencia":     occ,
	}
}

func nilIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// touchLocked records a change at now: the detail's and the list's update time (s.mu held).
func (o *occState) touchLocked(now time.Time) {
	o.updated = now
	o.proto.DataAtualizacao = mosia.FlexString(strconv.FormatInt(now.UnixMilli(), 10))
}
