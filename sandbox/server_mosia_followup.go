package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/model"
)

// maxFollowUpBody bounds the body of a note, a status change or an activation.
const maxFollowUpBody = 256 << 10

// readObject reads a write's JSON object (numbers kept as json.Number); it answers the refusal itself.
func (s *Sandbox) readObject(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if !s.jsonBody(w, r) {
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFollowUpBody))
	if err != nil {
		s.mosiaError(w, http.StatusRequestEntityTooLarge, msgMosiaBodyTooLarge)
		return nil, false
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&m); err != nil || m == nil {
		s.mosiaError(w, http.StatusBadRequest, msgMosiaBadJSON)
		return nil, false
	}
	return m, true
}

// followUp runs one change on a protocol: the body read, the protocol found (404 when unknown), apply called
// under the lock (an error is a 400 with its message), then the scripted or random lost answer, then msg.
func (s *Sandbox) followUp(w http.ResponseWriter, r *http.Request, msg string, apply func(o *occState, m map[string]any) error) {
	m, ok := s.readObject(w, r)
	if !ok {
		return
	}
	protocol := strings.TrimSpace(r.PathValue("protocolo"))
	s.mu.Lock()
	o, found := s.stateLocked(protocol)
	var err error
	if found {
		err = apply(o, m)
		if err == nil {
			o.touchLocked(s.clock())
			o.applied = append(o.applied, r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
		}
	}
	var step ScriptStep
	if found && err == nil {
		step = nextLocked(&s.followScript)
	}
	s.mu.Unlock()
	switch {
	case !found:
		s.mosiaError(w, http.StatusNotFound, msgMosiaNoOccurrence)
		return
	case err != nil:
		s.mosiaError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.log.Info("sandbox follow-up applied", "protocolo", protocol, "path", r.URL.Path)
	if f := s.Faults(); step == ScriptDropAfterCreate || step == ScriptNone && inScope(f.Scope, r) && s.chance(f.DropAfterCreate) {
		dropConn(w)
		return
	}
	writeJSON(w, http.StatusOK, envelope{Status: true, Data: map[string]any{}, Message: msg, Critical: []any{},
		StatusCode: http.StatusOK, Timestamp: s.clock().UnixMilli()})
}

// handleNote answers POST /clientes/ocorrencias/{protocolo}/anotacao: publica (boolean) and mensagem required,
// idAtendente a number, chaveUnicaSolicitante a string; arquivos accepted and ignored.
func (s *Sandbox) handleNote(w http.ResponseWriter, r *http.Request) {
	s.followUp(w, r, msgMosiaNoteAdded, func(o *occState, m map[string]any) error {
		pub, ok := m["publica"].(bool)
		if !ok {
			if _, present := m["publica"]; !present {
				return createError(fmt.Sprintf(msgMosiaFieldRequired, "publica"))
			}
			return createError(fmt.Sprintf(msgMosiaFieldBool, "publica"))
		}
		text, _, err := stringField(m, "mensagem")
		if err != nil {
			return err
		}
		if text == "" {
			return createError(fmt.Sprintf(msgMosiaFieldRequired, "mensagem"))
		}
		att, _, err := intField(m, "idAtendente")
		if err != nil {
			return err
		}
		if _, _, err := stringField(m, "chaveUnicaSolicitante"); err != nil {
			return err
		}
		raw, _ := m["mensagem"].(string) // kept as it arrived
		o.notes = append(o.notes, RecordedNote{Text: raw, Public: pub, AttendantID: att, At: s.clock()})
		return nil
	})
}

// handleStatus answers PUT /clientes/ocorrencias/{protocolo}/status: idNovoStatus (a number the catalogue has)
// and chaveUnicaSolicitante (the occurrence's requester) required; textoDesfecho only with idMotivoEncerramento.
// A draft must be activated first.
func (s *Sandbox) handleStatus(w http.ResponseWriter, r *http.Request) {
	s.followUp(w, r, msgMosiaStatusChanged, func(o *occState, m map[string]any) error {
		id, ok, err := intField(m, "idNovoStatus")
		switch {
		case err != nil:
			return err
		case !ok:
			return createError(fmt.Sprintf(msgMosiaFieldRequired, "idNovoStatus"))
		}
		st, known := s.cat.statusByID(id)
		if !known {
			return createError(fmt.Sprintf(msgMosiaUnknownStatus, id))
		}
		sol, ok, err := stringField(m, "chaveUnicaSolicitante")
		switch {
		case err != nil:
			return err
		case !ok || sol == "":
			return createError(fmt.Sprintf(msgMosiaFieldRequired, "chaveUnicaSolicitante"))
		case model.NormalizeChave(sol) != model.NormalizeChave(o.requester.ChaveUnica):
			return createError(msgMosiaWrongRequester)
		}
		text, _, err := stringField(m, "textoDesfecho")
		if err != nil {
			return err
		}
		reasonID, hasReason, err := intField(m, "idMotivoEncerramento")
		if err != nil {
			return err
		}
		if _, _, err := intField(m, "idAtendente"); err != nil {
			return err
		}
		var reason Reason
		if hasReason {
			if reason, known = s.cat.reasonByID(reasonID); !known {
				return createError(fmt.Sprintf(msgMosiaUnknownReason, reasonID))
			}
		}
		switch {
		case text != "" && !hasReason:
			return createError(msgMosiaOutcomeNeedsReason)
		case o.draft:
			return createError(msgMosiaIsDraft)
		}
		o.proto.Status = mosia.IDDesc{ID: mosia.FlexString(fmt.Sprint(st.ID)), Descricao: st.Name}
		o.statusChanges++
		if hasReason {
			o.reason, o.outcome = reason, text
		}
		return nil
	})
}

// handleActivate answers PUT /clientes/ocorrencias/{protocolo}/ativar (body {}): a draft becomes open; anything
// else is refused.
func (s *Sandbox) handleActivate(w http.ResponseWriter, r *http.Request) {
	s.followUp(w, r, msgMosiaActivated, func(o *occState, _ map[string]any) error {
		if !o.draft {
			return createError(msgMosiaNotDraft)
		}
		o.draft, o.proto.Status = false, statusOpen
		o.activations++
		return nil
	})
}
