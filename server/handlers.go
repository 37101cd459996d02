package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// busca answers POST …/buscaBeneficiarios: the rows of the beneficiaries matching the body's criteria, or the
// failure body saying why there are none.
func (s *Server) busca(w http.ResponseWriter, r *http.Request) {
	f := note(r)
	req, err := readSearch(r)
	if err != nil {
		f.err = err
		fail(w, r, http.StatusBadRequest, errBadRequest, inputMessage(err))
		return
	}
	f.criteria, f.unknown = req.Criteria, req.Unknown
	switch {
	case req.Refusal != "":
		f.results = 0
		fail(w, r, http.StatusOK, "", req.Refusal)
		return
	case req.Empty:
		f.results = 0
		fail(w, r, http.StatusOK, "", i18n.ServerNotFound)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.o.SearchTimeout)
	defer cancel()
	ms, err := s.dir.Search(ctx, req.Query, s.o.MaxResults)
	if err != nil {
		f.err = fmt.Errorf("directory search: %w", err)
		fail(w, r, http.StatusServiceUnavailable, errDirectory, i18n.ServerUnavailable)
		return
	}
	if len(ms) == 0 && s.o.Fallback != nil {
		ms = s.fallback(r, f, req.Query)
	}
	out := rows(ms, s.o.MaxResults)
	f.results = len(out)
	if len(out) == 0 {
		fail(w, r, http.StatusOK, "", i18n.ServerNotFound)
		return
	}
	if err := s.record(r, f, out); err != nil { // nobody is shown who was not recorded first
		f.err = fmt.Errorf("access record: %w", err)
		fail(w, r, http.StatusServiceUnavailable, errAudit, i18n.ServerUnavailable)
		return
	}
	s.writeRows(w, out)
}

// fallback asks TOTVS when the directory found nobody, within its own timeout. A failure or a slow TOTVS leaves
// the directory's answer (nobody) standing: the panel gets its "not found" in time, and the log says why. Rows
// without a chaveUnica are dropped: Mosia requires it on every row.
func (s *Server) fallback(r *http.Request, f *facts, q model.Query) []model.Match {
	ctx, cancel := context.WithTimeout(r.Context(), s.o.FallbackTimeout)
	defer cancel()
	ms, err := s.o.Fallback.SearchQuery(ctx, q)
	if err != nil {
		f.fallback = "error"
		s.m.fallback.WithLabelValues("error").Inc()
		s.log.Warn("busca: totvs fallback failed", "err", err.Error())
		return nil
	}
	kept := ms[:0]
	for _, m := range ms {
		if m.Beneficiary.ChaveUnica != "" {
			kept = append(kept, m)
		}
	}
	f.fallback = "found"
	if len(kept) == 0 {
		f.fallback = "empty"
	}
	s.m.fallback.WithLabelValues(f.fallback).Inc()
	return kept
}

// record writes the answer's line in the access record (Options.Audit): the credential, the criterion kinds and
// the chaveUnicas about to be shown.
func (s *Server) record(r *http.Request, f *facts, out []model.Match) error {
	if s.o.Audit == nil {
		return nil
	}
	chaves := make([]string, 0, len(out))
	for i := range out {
		chaves = append(chaves, out[i].Beneficiary.ChaveUnica)
	}
	kinds := make([]string, 0, len(f.criteria))
	for _, c := range f.criteria {
		k, _, _ := strings.Cut(c, "=")
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return s.o.Audit.Record(r.Context(), audit.Entry{At: s.o.Now(), Who: f.credential, Kind: audit.KindSearch,
		Chaves: chaves, What: strings.Join(kinds, ",")})
}

// readSearch reads and decodes a buscaBeneficiarios body.
func readSearch(r *http.Request) (search, error) {
	body, err := readAll(r)
	if err != nil {
		return search{}, fmt.Errorf("read body: %w", err)
	}
	return decodeSearch(body)
}

// inputMessage is the pt-BR answer to a body readSearch refused.
func inputMessage(err error) string {
	if ie, ok := errors.AsType[*inputError](err); ok {
		return ie.Msg
	}
	return i18n.ServerBadJSON
}

// writeRows answers 200 with the rows, rendered in a pooled buffer.
func (s *Server) writeRows(w http.ResponseWriter, ms []model.Match) {
	bp := s.bufs.Get().(*[]byte)
	b := s.layout.appendBody((*bp)[:0], ms)
	writeJSON(w, http.StatusOK, b)
	if cap(b) <= 1<<20 { // do not keep huge buffers
		*bp = b
		s.bufs.Put(bp)
	}
}

// authRequest is the body of /autorizacao (Mosia "Grupos de Autorização").
type authRequest struct {
	Usuario string `json:"usuario"`
	Senha   string `json:"senha"`
}

// authAnswer is /autorizacao's success body.
type authAnswer struct {
	Auth []authPair `json:"auth"`
}

type authPair struct {
	Token string `json:"token"`
	Chave string `json:"chave"`
}

// autorizacao answers POST …/autorizacao with a token Mosia then sends in the <chave> header. Each check is
// admitted by the guard first: an address (or, from addresses it never signed in from, a user) that failed too
// often waits, answered 429 with Retry-After, and its guesses never reach the comparison.
func (s *Server) autorizacao(w http.ResponseWriter, r *http.Request) {
	var req authRequest
	body, err := readAll(r)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		note(r).err = fmt.Errorf("autorizacao body: %w", err)
		fail(w, r, http.StatusBadRequest, errBadRequest, i18n.ServerBadJSON)
		return
	}
	addr := s.clientAddr(r)
	user := truncate(req.Usuario, 64)
	if wait, ok := s.guard.admit(addr, user); !ok {
		s.tooMany(w, r, wait, errThrottled, i18n.ServerWaitCredential(retryAfter(wait)))
		return
	}
	s.m.loginChecks.Inc()
	userOK := equal(req.Usuario, s.o.AuthUser)
	passOK := equal(req.Senha, s.o.AuthPassword)
	if !userOK || !passOK {
		s.guard.failed(addr)
		fail(w, r, http.StatusUnauthorized, errLogin, i18n.ServerBadLogin)
		return
	}
	s.guard.succeeded(addr, user)
	tok, err := s.tokens.issue()
	if err != nil {
		note(r).err = fmt.Errorf("issue token: %w", err)
		fail(w, r, http.StatusInternalServerError, errPanic, i18n.ServerInternal)
		return
	}
	note(r).credential = tokenNamePrefix + s.o.AuthUser
	b, _ := json.Marshal(authAnswer{Auth: []authPair{{Token: tok, Chave: s.o.SecretHeader}}})
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// healthz answers GET /healthz: {"status":"ok"}, or 503 when the directory is unreachable. A request carrying a
// valid credential also gets the beneficiary count; without one the answer says nothing about the directory. In
// fleet mode it adds the shared database's state ("banco": ok or indisponivel), and with a credential the
// generations and what waits on this machine.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	err := s.dir.Ping(ctx)
	n := -1
	withCredential := err == nil && s.healthCredential(r)
	if withCredential {
		n, err = s.dir.Count(ctx)
	}
	if err != nil {
		note(r).err = fmt.Errorf("directory health: %w", err)
		fail(w, r, http.StatusServiceUnavailable, errDirectory, i18n.ServerUnavailable)
		return
	}
	ans := healthAnswer{Status: "ok"}
	if n >= 0 {
		ans.Beneficiarios = &n
	}
	if s.o.Database != nil {
		db := s.o.Database(ctx)
		ans.Banco = "indisponivel"
		if db.OK {
			ans.Banco = "ok"
		}
		if withCredential {
			ans.Frota = &fleetHealth{Geracao: db.Generation, GeracaoLocal: db.Local, OcorrenciasLocais: db.Spilled,
				AcessosLocais: db.Queued}
		}
	}
	b, _ := json.Marshal(ans)
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// healthAnswer is /healthz's answer (docs/openapi.yaml).
type healthAnswer struct {
	Status        string       `json:"status"`
	Beneficiarios *int         `json:"beneficiarios,omitempty"`
	Banco         string       `json:"banco,omitempty"`
	Frota         *fleetHealth `json:"frota,omitempty"`
}

// fleetHealth is the fleet part of /healthz, for a request with a credential.
type fleetHealth struct {
	Geracao           int64 `json:"geracao"`
	GeracaoLocal      int64 `json:"geracao_local"`
	OcorrenciasLocais int   `json:"ocorrencias_locais"`
	AcessosLocais     int   `json:"acessos_locais"`
}

// healthCredential reports whether a /healthz request carries a valid credential. /healthz answers anyone, so
// a missing one is fine; a wrong one is charged to the address like anywhere else, so the count cannot become
// a way to test guesses.
func (s *Server) healthCredential(r *http.Request) bool {
	if r.Header.Get(s.o.SecretHeader) == "" {
		return false
	}
	_, _, ok := s.authenticate(r)
	return ok
}

// notAllowed answers 405 with the methods the path does take in Allow.
func notAllowed(allowed ...string) http.HandlerFunc {
	allow := strings.Join(allowed, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		fail(w, r, http.StatusMethodNotAllowed, errMethod, i18n.ServerMethodNotAllowed)
	}
}

// notFound answers a path the service does not serve.
func notFound(w http.ResponseWriter, r *http.Request) {
	fail(w, r, http.StatusNotFound, errNotFound, i18n.ServerNotFoundPath)
}

// authDisabled answers …/autorizacao when no usuario and senha are configured.
func authDisabled(w http.ResponseWriter, r *http.Request) {
	fail(w, r, http.StatusNotFound, errNotFound, i18n.ServerAuthDisabled)
}

// fail answers the failure body with status and the pt-BR msg; kind, when not "", is noted as the request's
// error kind.
func fail(w http.ResponseWriter, r *http.Request, status int, kind, msg string) {
	if kind != "" {
		note(r).errKind = kind
	}
	writeJSON(w, status, failureBody(msg))
}
