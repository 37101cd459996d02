package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/balcao/balcao/client/totvs"
)

const beneficiaryPosition = "/rest/totvsHealthPlans/v1/beneficiaryPosition/{card}/"

func (s *Sandbox) totvsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /rest/api/oauth2/v1/token", s.handleToken)
	mux.Handle("GET "+beneficiaryPosition+"contract", s.totvsAuth(s.handleContract))
	mux.Handle("GET "+beneficiaryPosition+"familyBeneficiaries", s.totvsAuth(s.handleFamily))
	mux.Handle("GET "+beneficiaryPosition+"gracePeriodClass", s.totvsAuth(s.handleGraceClass))
	mux.Handle("GET "+beneficiaryPosition+"gracePeriodGroup", s.totvsAuth(s.handleGraceGroup))
	mux.Handle("GET "+beneficiaryPosition+"authorizations", s.totvsAuth(s.handleAuthorizations))
	mux.Handle("GET "+beneficiaryPosition+"billing", s.totvsAuth(s.handleBilling))
	mux.Handle("GET /rest/totvsHealthPlans/v1/beneficiaryPosition/search", s.totvsAuth(s.handleSearch))
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (s *Sandbox) totvsError(w http.ResponseWriter, status int, code, msg, detail string) {
	writeJSON(w, status, totvs.ErrorModel{Code: code, Message: msg, DetailedMessage: detail})
}

// handleToken is POST /rest/api/oauth2/v1/token (password and refresh_token grants; query or form).
func (s *Sandbox) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if isJSON(r) { // a body that says it is JSON must be JSON, as a validator built from the vendor's shape checks
		var v any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSBadTokenBody, err.Error())
			return
		}
	}
	if err := r.ParseForm(); err != nil {
		s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSBadRequest, err.Error())
		return
	}
	switch r.Form.Get("grant_type") {
	case "password":
		user, pass := r.Form.Get("username"), r.Form.Get("password")
		if u, p, ok := r.BasicAuth(); ok && user == "" {
			user, pass = u, p
		}
		if !equal(user, s.opts.TOTVSUser) || !equal(pass, s.opts.TOTVSPassword) {
			s.totvsError(w, http.StatusUnauthorized, "401", msgTOTVSBadCredentials, msgTOTVSBadCredentialsDetail)
			return
		}
	case "refresh_token":
		rt := r.Form.Get("refresh_token")
		s.mu.Lock()
		ok := s.refresh[rt]
		delete(s.refresh, rt) // refresh tokens are single-use
		s.mu.Unlock()
		if !ok {
			s.totvsError(w, http.StatusUnauthorized, "401", msgTOTVSBadRefresh, msgTOTVSBadRefreshDetail)
			return
		}
	default:
		s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSBadGrant, "grant_type="+r.Form.Get("grant_type"))
		return
	}
	tok := totvs.Token{AccessToken: newToken(), RefreshToken: newToken(), Scope: "default", TokenType: "Bearer",
		ExpiresIn: int(math.Ceil(s.opts.TokenTTL.Seconds())), HasMFA: false}
	s.mu.Lock()
	s.tokens[tok.AccessToken] = s.clock().Add(s.opts.TokenTTL)
	s.refresh[tok.RefreshToken] = true
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, tok)
}

// totvsAuth accepts Basic credentials or a live Bearer token, and checks tenantId when configured.
func (s *Sandbox) totvsAuth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.totvsAuthorized(r) {
			s.totvsError(w, http.StatusUnauthorized, "401", msgTOTVSUnauthorized, msgTOTVSUnauthorizedDetail)
			return
		}
		if !isJSON(r) { // every beneficiaryPosition page marks Content-Type: application/json required
			s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSContentType, "Content-Type="+r.Header.Get("Content-Type"))
			return
		}
		if s.opts.TenantID != "" && strings.ReplaceAll(r.Header.Get("tenantId"), " ", "") != s.opts.TenantID {
			s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSBadTenant, "tenantId="+r.Header.Get("tenantId"))
			return
		}
		next(w, r)
	})
}

func (s *Sandbox) totvsAuthorized(r *http.Request) bool {
	if u, p, ok := r.BasicAuth(); ok {
		return equal(u, s.opts.TOTVSUser) && equal(p, s.opts.TOTVSPassword)
	}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	tok = strings.TrimSpace(tok)
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	if ok && !s.clock().Before(exp) {
		delete(s.tokens, tok)
		return false
	}
	return ok
}

// notFound answers E001 exactly as TOTVS's examples do; graceStyle uses the grace-period page's capitalised
// "Beneficiário".
func (s *Sandbox) notFound(w http.ResponseWriter, card string, graceStyle bool) {
	detail := "Não foi encontrado nenhum beneficiário com a matricula " + card
	if graceStyle {
		detail = "Não foi encontrado nenhum Beneficiário com a matricula " + card
	}
	s.totvsError(w, http.StatusNotFound, totvs.NotFoundCode, "Beneficiário não encontrado.", detail)
}

func (s *Sandbox) handleContract(w http.ResponseWriter, r *http.Request) {
	card := r.PathValue("card")
	c, ok := s.data.Contract(card)
	if !ok {
		s.notFound(w, card, false)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Sandbox) handleFamily(w http.ResponseWriter, r *http.Request) {
	card := r.PathValue("card")
	f, ok := s.data.Family(card)
	if !ok {
		s.notFound(w, card, false)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

func (s *Sandbox) handleGraceClass(w http.ResponseWriter, r *http.Request) {
	servePaged(s, w, r, s.data.GraceClasses, func(g *totvs.GracePeriodClasses) (*[]totvs.GraceClass, *totvs.Page) {
		return &g.Items, &g.Page
	})
}

func (s *Sandbox) handleGraceGroup(w http.ResponseWriter, r *http.Request) {
	servePaged(s, w, r, s.data.GraceGroups, func(g *totvs.GracePeriodGroups) (*[]totvs.GraceGroup, *totvs.Page) {
		return &g.Items, &g.Page
	})
}

// servePaged answers a card's paged list: load finds the card's whole answer, parts points at its items and page.
func servePaged[A any, I any](s *Sandbox, w http.ResponseWriter, r *http.Request, load func(string) (A, bool),
	parts func(*A) (*[]I, *totvs.Page)) {
	card := r.PathValue("card")
	lo, hi, ok := s.pageBounds(w, r)
	if !ok {
		return
	}
	a, ok := load(card)
	if !ok {
		s.notFound(w, card, true)
		return
	}
	items, page := parts(&a)
	*items, *page = paginate(*items, lo, hi)
	writeJSON(w, http.StatusOK, a)
}

// pageBounds reads page (from 1) and pageSize (default DefaultPageSize) into a row range [lo, hi).
func (s *Sandbox) pageBounds(w http.ResponseWriter, r *http.Request) (lo, hi int, ok bool) {
	read := func(name string, def int) (int, bool) {
		v := r.URL.Query().Get(name)
		if v == "" {
			return def, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 1_000_000 {
			s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSBadPage, fmt.Sprintf("%s=%s", name, v))
			return 0, false
		}
		return n, true
	}
	page, ok := read("page", 1)
	if !ok {
		return 0, 0, false
	}
	size, ok := read("pageSize", DefaultPageSize)
	if !ok {
		return 0, 0, false
	}
	return (page - 1) * size, page * size, true
}

// paginate cuts items to [lo, hi) and computes hasNext and remainingRecords.
func paginate[T any](items []T, lo, hi int) ([]T, totvs.Page) {
	n := len(items)
	lo, hi = min(lo, n), min(hi, n)
	out := make([]T, hi-lo)
	copy(out, items[lo:hi])
	return out, totvs.Page{HasNext: hi < n, RemainingRecords: n - hi}
}

// isJSON reports whether a request declares a JSON body (Content-Type application/json, any parameters).
func isJSON(r *http.Request) bool {
	mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/json")
}
