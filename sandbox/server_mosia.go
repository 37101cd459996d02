package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/model"
)

const (
	defaultTotalProtocolos = 5
	maxTotalProtocolos     = 10
	maxCreateBody          = 1 << 20
)

func (s *Sandbox) mosiaRoutes(mux *http.ServeMux) {
	mux.Handle("GET /clientes/ocorrencias/ultimosProtocolos", s.mosiaAuth(s.handleUltimosProtocolos))
	mux.Handle("POST /clientes/ocorrencias", s.mosiaAuth(s.scripted(s.handleCreate)))
	mux.Handle("GET /clientes/ocorrencias/{protocolo}", s.mosiaAuth(s.handleDetail))
	mux.Handle("POST /clientes/ocorrencias/{protocolo}/anotacao", s.mosiaAuth(s.scriptedFollowUp(s.handleNote)))
	mux.Handle("PUT /clientes/ocorrencias/{protocolo}/status", s.mosiaAuth(s.scriptedFollowUp(s.handleStatus)))
	mux.Handle("PUT /clientes/ocorrencias/{protocolo}/ativar", s.mosiaAuth(s.scriptedFollowUp(s.handleActivate)))
}

// envelope is Mosia's response envelope as the sandbox writes it (critical always present, as in Mosia's examples).
type envelope struct {
	Status     bool   `json:"status"`
	Protocolo  string `json:"protocolo,omitempty"` // ShapeTopLevel only
	Data       any    `json:"data,omitempty"`
	Message    string `json:"message"`
	Critical   []any  `json:"critical"`
	StatusCode int    `json:"statusCode"`
	Timestamp  int64  `json:"timestamp"`
}

func (s *Sandbox) mosiaError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, envelope{Status: false, Message: msg, Critical: []any{}, StatusCode: status,
		Timestamp: s.clock().UnixMilli()})
}

func (s *Sandbox) mosiaAuth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !equal(strings.TrimSpace(r.Header.Get("Authorization")), s.opts.MosiaToken) {
			s.mosiaError(w, http.StatusUnauthorized, msgMosiaUnauthorized)
			return
		}
		next(w, r)
	})
}

// wireIDDesc writes ids as numbers, like Mosia's example (the model keeps them as strings).
type wireIDDesc struct {
	ID        any    `json:"id"`
	Descricao string `json:"descricao"`
}

type wireProtocol struct {
	Protocolo       string        `json:"protocolo"`
	TipoOcorrencia  wireIDDesc    `json:"tipoOcorrencia"`
	DataRegistro    string        `json:"data_registro"`
	DataAtualizacao string        `json:"data_atualizacao"`
	Status          wireIDDesc    `json:"status"`
	Assunto         mosia.Assunto `json:"assunto"`
	Beneficiario    mosia.Person  `json:"beneficiario"`
	Solicitante     mosia.Person  `json:"solicitante"`
}

func wireID(d mosia.IDDesc) wireIDDesc {
	if n, ok := d.ID.Int(); ok {
		return wireIDDesc{ID: n, Descricao: d.Descricao}
	}
	return wireIDDesc{ID: string(d.ID), Descricao: d.Descricao}
}

func toWire(p mosia.Protocol) wireProtocol {
	return wireProtocol{Protocolo: string(p.Protocolo), TipoOcorrencia: wireID(p.TipoOcorrencia),
		DataRegistro: string(p.DataRegistro), DataAtualizacao: string(p.DataAtualizacao), Status: wireID(p.Status),
		Assunto: p.Assunto, Beneficiario: p.Beneficiario, Solicitante: p.Solicitante}
}

// LatestProtocols is what ultimosProtocolos lists for a key: created ones (newest first), then the history, each
// with the status and update time its notes and status changes left.
func (s *Sandbox) LatestProtocols(chave string, total int) []mosia.Protocol {
	s.mu.Lock()
	created := s.history[chave]
	out := make([]mosia.Protocol, 0, total)
	for i := len(created) - 1; i >= 0 && len(out) < total; i-- {
		out = append(out, created[i])
	}
	s.mu.Unlock()
	if len(out) < total {
		hist := s.data.Protocols(chave)
		out = append(out, hist[:min(len(hist), total-len(out))]...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range out {
		if o, ok := s.occurrences[p.Protocolo.String()]; ok {
			out[i].Status, out[i].DataAtualizacao = o.proto.Status, o.proto.DataAtualizacao
		}
	}
	return out
}

func (s *Sandbox) handleUltimosProtocolos(w http.ResponseWriter, r *http.Request) {
	chave := strings.TrimSpace(r.Header.Get("chaveUnica"))
	if chave == "" {
		s.mosiaError(w, http.StatusBadRequest, msgMosiaMissingChave)
		return
	}
	total := defaultTotalProtocolos
	if v := strings.TrimSpace(r.Header.Get("totalProtocolos")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTotalProtocolos {
			s.mosiaError(w, http.StatusBadRequest, msgMosiaBadTotal)
			return
		}
		total = n
	}
	ps := s.LatestProtocols(chave, total)
	data := make([]wireProtocol, len(ps))
	for i, p := range ps {
		data[i] = toWire(p)
	}
	msg := msgMosiaProtocolsLoaded
	if len(data) == 0 {
		msg = msgMosiaNoProtocols
	}
	writeJSON(w, http.StatusOK, envelope{Status: true, Data: data, Message: msg, Critical: []any{},
		StatusCode: http.StatusOK, Timestamp: s.clock().UnixMilli()})
}

// createError is a validation failure of a create body.
type createError string

func (e createError) Error() string { return string(e) }

// parsed is a validated create body.
type parsed struct {
	req          mosia.OccurrenceRequest
	typ          OccurrenceType
	subject      string
	hasSubject   bool
	beneficiario *mosia.Requester
}

// intField reads an Int field as the vendor types it: a JSON number. A string ("171"), even of digits, is
// refused, so a client that regresses to strings fails its tests here first.
func intField(m map[string]any, key string) (int, bool, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	if x, isNum := v.(json.Number); isNum {
		if n, err := strconv.Atoi(x.String()); err == nil {
			return n, true, nil
		}
	}
	return 0, true, createError(fmt.Sprintf(msgMosiaFieldInt, key))
}

// stringField reads a String field: a JSON string (a number is refused).
func stringField(m map[string]any, key string) (string, bool, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false, nil
	}
	x, isStr := v.(string)
	if !isStr {
		return "", true, createError(fmt.Sprintf(msgMosiaFieldString, key))
	}
	return strings.TrimSpace(x), true, nil
}

func personField(m map[string]any, key string, required bool) (*mosia.Requester, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return nil, createError(fmt.Sprintf(msgMosiaFieldRequired, key))
		}
		return nil, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, createError(fmt.Sprintf(msgMosiaFieldObject, key))
	}
	p := &mosia.Requester{}
	for k, dst := range map[string]*string{"nome": &p.Nome, "chaveUnica": &p.ChaveUnica, "email": &p.Email,
		"telefone": &p.Telefone, "numeroContrato": &p.NumeroContrato} {
		v, _, err := stringField(o, k) // every one a String: a numeric chaveUnica or telefone is refused
		if err != nil {
			return nil, createError(fmt.Sprintf(msgMosiaFieldString, key+"."+k))
		}
		*dst = v
	}
	if p.Nome == "" {
		return nil, createError(fmt.Sprintf(msgMosiaFieldRequired, key+".nome"))
	}
	if p.ChaveUnica == "" {
		return nil, createError(fmt.Sprintf(msgMosiaFieldRequired, key+".chaveUnica"))
	}
	return p, nil
}

// parseCreate validates a create body like the real API would.
func (s *Sandbox) parseCreate(body []byte) (parsed, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return parsed{}, createError(msgMosiaBadJSON)
	}
	var p parsed
	id, ok, err := intField(m, "idTipoOcorrencia")
	if err != nil {
		return p, err
	}
	if !ok {
		return p, createError(fmt.Sprintf(msgMosiaFieldRequired, "idTipoOcorrencia"))
	}
	if p.typ, ok = s.cat.typeByID(id); !ok {
		return p, createError(fmt.Sprintf(msgMosiaUnknownType, id))
	}
	p.req.IDTipoOcorrencia = id
	sol, err := personField(m, "solicitante", true)
	if err != nil {
		return p, err
	}
	p.req.Solicitante = *sol
	if p.beneficiario, err = personField(m, "beneficiario", false); err != nil {
		return p, err
	}
	p.req.Beneficiario = p.beneficiario
	if subj, ok, err := intField(m, "idAssunto"); err != nil {
		return p, err
	} else if ok {
		if p.subject, p.hasSubject = p.typ.subjectName(subj); !p.hasSubject {
			return p, createError(fmt.Sprintf(msgMosiaUnknownSubject, subj, p.typ.ID))
		}
		p.req.IDAssunto = subj
	}
	if f, ok, err := intField(m, "idFuncionalidade"); err != nil {
		return p, err
	} else if ok {
		p.req.IDFuncionalidade = f
	}
	if v, ok := m["rascunho"]; ok && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			return p, createError(fmt.Sprintf(msgMosiaFieldBool, "rascunho"))
		}
		p.req.Rascunho = b
	}
	if p.req.NumeroContrato, _, err = stringField(m, "numeroContrato"); err != nil {
		return p, err
	}
	if v, ok := m["anotacao"]; ok && v != nil {
		sv, isStr := v.(string)
		if !isStr {
			return p, createError(fmt.Sprintf(msgMosiaFieldString, "anotacao"))
		}
		p.req.Anotacao = sv
	}
	if v, ok := m["formularios"]; ok && v != nil {
		forms, isArr := v.([]any)
		if !isArr {
			return p, createError(fmt.Sprintf(msgMosiaFieldArray, "formularios"))
		}
		for _, f := range forms {
			fo, isObj := f.(map[string]any)
			if !isObj {
				return p, createError(fmt.Sprintf(msgMosiaFieldObject, "formularios[]"))
			}
			var idForm string
			switch x := fo["idForm"].(type) {
			case string:
				idForm = x
			case json.Number:
				idForm = x.String()
			}
			if idForm == "" {
				return p, createError(fmt.Sprintf(msgMosiaFieldRequired, "formularios[].idForm"))
			}
			data, isArr := fo["formData"].([]any)
			if !isArr {
				return p, createError(fmt.Sprintf(msgMosiaFieldArray, "formularios[].formData"))
			}
			form := mosia.Form{IDForm: idForm}
			for _, item := range data {
				if obj, ok := item.(map[string]any); ok {
					form.FormData = append(form.FormData, obj)
				}
			}
			p.req.Formularios = append(p.req.Formularios, form)
		}
	}
	return p, nil
}

// jsonBody reports whether a write declares a JSON body, as Mosia's pages require; it answers the refusal if not.
func (s *Sandbox) jsonBody(w http.ResponseWriter, r *http.Request) bool {
	if mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.EqualFold(strings.TrimSpace(mt), "application/json") {
		return true
	}
	s.mosiaError(w, http.StatusUnsupportedMediaType, msgMosiaContentType)
	return false
}

func (s *Sandbox) handleCreate(w http.ResponseWriter, r *http.Request) {
	if !s.jsonBody(w, r) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCreateBody))
	if err != nil {
		s.mosiaError(w, http.StatusRequestEntityTooLarge, msgMosiaBodyTooLarge)
		return
	}
	p, err := s.parseCreate(body)
	if err != nil {
		s.mosiaError(w, http.StatusBadRequest, err.Error())
		return
	}
	now := s.clock()
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	owner := p.req.Solicitante
	if p.beneficiario != nil {
		owner = *p.beneficiario
	}
	status := statusOpen
	if p.req.Rascunho {
		status = statusDraft
	}
	proto := mosia.Protocol{
		TipoOcorrencia: mosia.IDDesc{ID: mosia.FlexString(strconv.Itoa(p.typ.ID)), Descricao: p.typ.Name},
		DataRegistro:   mosia.FlexString(ms), DataAtualizacao: mosia.FlexString(ms), Status: status,
		Assunto:      mosia.Assunto{Descricao: p.subject, Present: p.hasSubject},
		Beneficiario: mosia.Person{Nome: owner.Nome, ChaveUnica: owner.ChaveUnica},
		Solicitante:  mosia.Person{Nome: p.req.Solicitante.Nome, ChaveUnica: p.req.Solicitante.ChaveUnica},
	}
	s.mu.Lock()
	proto.Protocolo = mosia.FlexString(s.nextProtocolLocked(now))
	s.history[owner.ChaveUnica] = append(s.history[owner.ChaveUnica], proto)
	if sol := p.req.Solicitante.ChaveUnica; sol != owner.ChaveUnica {
		s.history[sol] = append(s.history[sol], proto)
	}
	s.created = append(s.created, CreatedOccurrence{Protocol: string(proto.Protocolo), ChaveUnica: owner.ChaveUnica,
		Body: json.RawMessage(body), At: now})
	s.occurrences[string(proto.Protocolo)] = &occState{proto: proto, req: &p.req, requester: p.req.Solicitante,
		beneficiary: p.req.Beneficiario, typ: p.typ, subjectID: p.req.IDAssunto, function: p.req.IDFuncionalidade,
		contract: p.req.NumeroContrato, note: p.req.Anotacao, forms: p.req.Formularios, at: now, updated: now,
		draft: p.req.Rascunho}
	shape := s.shape
	step := s.nextScriptLocked()
	s.mu.Unlock()
	s.log.Info("sandbox occurrence created", "protocolo", string(proto.Protocolo), "tipo", p.typ.ID,
		"chaveUnica", model.MaskCPF(owner.ChaveUnica), "rascunho", p.req.Rascunho)

	if f := s.Faults(); step == ScriptDropAfterCreate || step == ScriptNone && inScope(f.Scope, r) && s.chance(f.DropAfterCreate) {
		dropConn(w)
		return
	}
	env := envelope{Status: true, Message: msgMosiaCreated, Critical: []any{}, StatusCode: http.StatusOK,
		Timestamp: now.UnixMilli()}
	pr := string(proto.Protocolo)
	switch shape {
	case ShapeDataOcorrencia:
		env.Data = map[string]any{"ocorrencia": map[string]any{"protocolo": pr}}
	case ShapeDataArray:
		env.Data = []map[string]any{{"protocolo": pr}}
	case ShapeTopLevel:
		env.Protocolo, env.Data = pr, map[string]any{}
	case ShapeNone:
		env.Data = map[string]any{}
	default:
		env.Data = map[string]any{"protocolo": pr}
	}
	writeJSON(w, http.StatusOK, env)
}
