package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

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
	out := rows(ms, s.o.MaxResults)
	f.results = len(out)
	if len(out) == 0 {
		fail(w, r, http.StatusOK, "", i18n.ServerNotFound)
		return
	}
	s.writeRows(w, out)
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

// autorizacao answers POST …/autorizacao with a token Mosia then sends in the <chave> header.
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
	userOK := equal(req.Usuario, s.o.AuthUser)
	passOK := equal(req.Senha, s.o.AuthPassword)
	if !userOK || !passOK {
		fail(w, r, http.StatusUnauthorized, errLogin, i18n.ServerBadLogin)
		return
	}
	tok, err := s.tokens.issue()
	if err != nil {
		note(r).err = fmt.Errorf("issue token: %w", err)
		fail(w, r, http.StatusInternalServerError, errPanic, i18n.ServerInternal)
		return
	}
	b, _ := json.Marshal(authAnswer{Auth: []authPair{{Token: tok, Chave: s.o.SecretHeader}}})
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// healthz answers GET /healthz: {"status":"ok","beneficiarios":N}, or 503 when the directory is unreachable.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	n, err := 0, s.dir.Ping(ctx)
	if err == nil {
		n, err = s.dir.Count(ctx)
	}
	if err != nil {
		note(r).err = fmt.Errorf("directory health: %w", err)
		fail(w, r, http.StatusServiceUnavailable, errDirectory, i18n.ServerUnavailable)
		return
	}
	b, _ := json.Marshal(struct {
		Status        string `json:"status"`
		Beneficiarios int    `json:"beneficiarios"`
	}{"ok", n})
	writeJSON(w, http.StatusOK, append(b, '\n'))
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
