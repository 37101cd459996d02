package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

const card = "00011008000027010"

func TestTOTVSDecodesSeedShapes(t *testing.T) {
	var transfer atomic.Bool
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "pls" || p != "s3cr3t" {
			writeJSON(w, 401, []byte(`{"code":"401","message":"unauthorized"}`))
			return
		}
		if r.Header.Get("tenantId") != "01,006001" || r.Header.Get("Content-Type") != "application/json" {
			writeJSON(w, 400, []byte(`{"code":"400","message":"missing headers"}`))
			return
		}
		switch r.URL.Path {
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/contract":
			writeJSON(w, 200, seed(t, "contract.json"))
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/familyBeneficiaries":
			writeJSON(w, 200, seed(t, "family.json"))
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/gracePeriodClass":
			if transfer.Load() {
				writeJSON(w, 200, seed(t, "grace_class_transfer.json"))
			} else {
				writeJSON(w, 200, seed(t, "grace_class.json"))
			}
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/gracePeriodGroup":
			writeJSON(w, 200, seed(t, "grace_group.json"))
		default:
			writeJSON(w, 404, nil)
		}
	})
	c := NewTOTVS(TOTVSOptions{BaseURL: srv.URL + "/rest/", User: "pls", Password: "s3cr3t", TenantID: "01,006001"})
	t.Cleanup(func() { _ = c.Close() })
	ctx := ctxT(t)

	ct, err := c.Contract(ctx, "0001.1008.000027.01-0") // formatted cards are normalised
	require.NoError(t, err)
	assert.Equal(t, "23576483098", ct.Fields["ba1_cpfusr"])
	assert.Equal(t, "Ativo", ct.Fields["situation"])
	assert.Equal(t, card, ct.Fields["card"])
	require.Len(t, ct.Struct, 15)
	require.Len(t, ct.Folders, 6)
	assert.Equal(t, "Regras de parcelamento", ct.Folders[5].Title)
	var sexo model.FieldStruct
	for _, s := range ct.Struct {
		if s.Field == "BA1_SEXO" {
			sexo = s
		}
	}
	label, ok := sexo.CBox.Lookup("1")
	require.True(t, ok)
	assert.Equal(t, "Masculino", label)

	fam, err := c.Family(ctx, card)
	require.NoError(t, err)
	require.Len(t, fam.Beneficiaries, 2)
	assert.Equal(t, model.FamilyMember{Card: "00011008000027028", Name: "FABIANA SOPHIA MELO",
		Kinship: "CONJUGE/ COMPANHEIRO", Situation: "Ativo"}, fam.Beneficiaries[1])

	gc, err := c.GracePeriodClasses(ctx, card)
	require.NoError(t, err)
	assert.False(t, gc.BeneficiaryTransfer)
	require.Len(t, gc.Items, 4)
	assert.Equal(t, "PERIODONTIA", gc.Items[3].Description)
	assert.Equal(t, "2022-01-22", gc.Items[3].FinalDate)

	transfer.Store(true)
	gc, err = c.GracePeriodClasses(ctx, card)
	require.NoError(t, err)
	assert.True(t, gc.BeneficiaryTransfer)
	require.Len(t, gc.Items, 2)
	assert.Equal(t, "2022-01-13", gc.Items[1].FinalDateCurrent)
	assert.Equal(t, "Carencia Cumprida", gc.Items[1].StatusPrevious)

	gg, err := c.GracePeriodGroups(ctx, card)
	require.NoError(t, err)
	require.Len(t, gg.Items, 2)
	assert.Equal(t, model.GraceGroup{GroupCode: "002", Description: "EXAMES", Date: "2022-11-25",
		Status: "Carencia Cumprida"}, gg.Items[1])
	assert.False(t, gg.HasNext)
}

func TestTOTVSNotFound(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     []byte
		wantMsg  string
		wantCode string
	}{
		{"E001 with 404", 404, seed(t, "e001.json"), "Beneficiário não encontrado.", "E001"},
		{"E001 with 400", 400, seed(t, "e001_grace.json"), "Beneficiário não encontrado.", "E001"},
		{"bare 404", 404, []byte("Not Found"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				writeJSON(w, tt.status, tt.body)
			})
			c := NewTOTVS(TOTVSOptions{BaseURL: srv.URL, Retries: 3, RetryWait: fastWait, RetryMaxWait: fastMaxWait})
			_, err := c.Contract(ctxT(t), "00011008000026010")
			e := asError(t, err)
			assert.True(t, errors.Is(err, ErrNotFound))
			assert.Equal(t, KindNotFound, KindOf(err))
			assert.Equal(t, tt.wantMsg, e.Message)
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, tt.status, e.Status)
			assert.False(t, e.Sent())
			assert.EqualValues(t, 1, calls.Load(), "a 4xx is never retried")
			if tt.wantMsg != "" {
				assert.Contains(t, e.Detail, "00011008000027012"[:10])
				assert.Contains(t, e.UserMessage(), "“"+strings.TrimSuffix(tt.wantMsg, ".")+"”")
			}
		})
	}
}

func TestTOTVSOtherErrorModel(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, []byte(`{"code":"E099","message":"Parâmetro inválido","detailedMessage":"pageSize > 100"}`))
	})
	c := NewTOTVS(TOTVSOptions{BaseURL: srv.URL})
	_, err := c.GracePeriodGroups(ctxT(t), card)
	e := asError(t, err)
	assert.Equal(t, KindBadRequest, e.Kind)
	assert.Equal(t, "E099", e.Code)
	assert.Equal(t, "Parâmetro inválido", e.Message)
	assert.Equal(t, "pageSize > 100", e.Detail)
	assert.False(t, errors.Is(err, ErrNotFound))
}

// oauthServer emulates the TOTVS token endpoint and one protected resource.
type oauthServer struct {
	t          *testing.T
	url        string
	password   atomic.Int32 // password grants answered
	refresh    atomic.Int32 // refresh grants answered (ok or not)
	api        atomic.Int32 // resource calls
	tokenFails atomic.Int32 // answer 503 to this many token calls first
	refreshOK  atomic.Bool
	tokenDelay time.Duration
	expiresIn  int

	mu         sync.Mutex
	seq        int
	valid      map[string]bool
	refreshTok map[string]bool
}

func newOAuthServer(t *testing.T) *oauthServer {
	s := &oauthServer{t: t, expiresIn: 3600, valid: map[string]bool{}, refreshTok: map[string]bool{}}
	s.refreshOK.Store(true)
	srv := serve(t, s.handle)
	s.url = srv.URL + "/rest"
	return s
}

func (s *oauthServer) issue(w http.ResponseWriter) {
	s.mu.Lock()
	s.seq++
	at, rt := fmt.Sprintf("A%d", s.seq), fmt.Sprintf("R%d", s.seq)
	s.valid[at], s.refreshTok[rt] = true, true
	s.mu.Unlock()
	b, _ := json.Marshal(model.Token{AccessToken: at, RefreshToken: rt, Scope: "default", TokenType: "Bearer", ExpiresIn: s.expiresIn})
	writeJSON(w, http.StatusCreated, b)
}

func (s *oauthServer) revokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.valid = map[string]bool{}
}

func (s *oauthServer) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/rest/api/oauth2/v1/token" {
		if r.Method != http.MethodPost {
			writeJSON(w, 405, nil)
			return
		}
		if s.tokenFails.Load() > 0 {
			s.tokenFails.Add(-1)
			writeJSON(w, 503, []byte(`{"code":"503","message":"busy"}`))
			return
		}
		time.Sleep(s.tokenDelay)
		q := r.URL.Query()
		switch q.Get("grant_type") {
		case "password":
			s.password.Add(1)
			if q.Get("username") != "pls" || q.Get("password") != "s3cr3t" {
				writeJSON(w, 401, []byte(`{"code":"401","message":"Usuário ou senha inválidos"}`))
				return
			}
			s.issue(w)
		case "refresh_token":
			s.refresh.Add(1)
			s.mu.Lock()
			known := s.refreshTok[q.Get("refresh_token")]
			s.mu.Unlock()
			if !known || !s.refreshOK.Load() {
				writeJSON(w, 400, []byte(`{"code":"400","message":"invalid refresh token"}`))
				return
			}
			s.issue(w)
		default:
			writeJSON(w, 400, nil)
		}
		return
	}
	s.api.Add(1)
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	valid := ok && s.valid[bearer]
	s.mu.Unlock()
	if !valid {
		writeJSON(w, 401, []byte(`{"code":"401","message":"token inválido"}`))
		return
	}
	writeJSON(w, 200, seed(s.t, "family.json"))
}

func newOAuthClient(s *oauthServer, mut ...func(*TOTVSOptions)) *TOTVS {
	o := TOTVSOptions{BaseURL: s.url, User: "pls", Password: "s3cr3t", OAuth2: true,
		Retries: 2, RetryWait: fastWait, RetryMaxWait: fastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return NewTOTVS(o)
}

func TestTOTVSOAuth2TokenCached(t *testing.T) {
	s := newOAuthServer(t)
	c := newOAuthClient(s)
	for range 3 {
		_, err := c.Family(ctxT(t), card)
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, s.password.Load())
	assert.EqualValues(t, 0, s.refresh.Load())
	assert.EqualValues(t, 3, s.api.Load())
}

func TestTOTVSOAuth2RefreshBeforeExpiry(t *testing.T) {
	s := newOAuthServer(t)
	c := newOAuthClient(s)
	now := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	c.tokens.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	_, err := c.Family(ctxT(t), card)
	require.NoError(t, err)
	require.EqualValues(t, 1, s.password.Load())

	advance(3600*time.Second - 90*time.Second) // outside the 60 s margin: cached
	_, err = c.Family(ctxT(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 0, s.refresh.Load())

	advance(31 * time.Second) // inside the margin: refresh grant
	_, err = c.Family(ctxT(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.refresh.Load())
	assert.EqualValues(t, 1, s.password.Load())

	s.refreshOK.Store(false) // refresh refused: fall back to the password grant
	advance(2 * time.Hour)
	_, err = c.Family(ctxT(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 2, s.refresh.Load())
	assert.EqualValues(t, 2, s.password.Load())
	assert.EqualValues(t, 4, s.api.Load())
}

func TestTOTVSOAuth2RenewsOnceOn401(t *testing.T) {
	s := newOAuthServer(t)
	c := newOAuthClient(s)
	_, err := c.Family(ctxT(t), card)
	require.NoError(t, err)

	s.revokeAll() // the server forgets the token before its expiry
	_, err = c.Family(ctxT(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.refresh.Load(), "renewed with the refresh grant")
	assert.EqualValues(t, 3, s.api.Load(), "1 ok + 1 rejected + 1 repeated")
}

func TestTOTVSOAuth2PersistentRejection(t *testing.T) {
	var tokens, api atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			tokens.Add(1)
			writeJSON(w, 201, []byte(`{"access_token":"T`+strconv.Itoa(int(tokens.Load()))+`","expires_in":3600}`))
			return
		}
		api.Add(1)
		writeJSON(w, 401, []byte(`{"code":"401","message":"token expirado"}`))
	})
	c := NewTOTVS(TOTVSOptions{BaseURL: srv.URL, User: "pls", Password: "x", OAuth2: true, Retries: 2,
		RetryWait: fastWait, RetryMaxWait: fastMaxWait})
	_, err := c.Contract(ctxT(t), card)
	e := asError(t, err)
	assert.Equal(t, KindAuth, e.Kind)
	assert.Equal(t, 401, e.Status)
	assert.Equal(t, "token expirado", e.Message)
	assert.EqualValues(t, 2, tokens.Load(), "one token, one renewal")
	assert.EqualValues(t, 2, api.Load(), "the call is repeated once, and 401 is not retried")
}

func TestTOTVSOAuth2BadCredentials(t *testing.T) {
	s := newOAuthServer(t)
	lg, logs := debugLogger()
	c := newOAuthClient(s, func(o *TOTVSOptions) { o.Password = "wrong-pass"; o.Logger = lg })
	_, err := c.Contract(ctxT(t), card)
	e := asError(t, err)
	assert.Equal(t, KindAuth, e.Kind)
	assert.Equal(t, opToken, e.Op)
	assert.EqualValues(t, 1, s.password.Load(), "a refused grant is not retried")
	assert.EqualValues(t, 0, s.api.Load())
	assert.Contains(t, e.UserMessage(), "credenciais")
	assert.NotContains(t, logs.String(), "wrong-pass")
	assert.NotContains(t, e.Error(), "wrong-pass")
}

func TestTOTVSTokenCallRetried(t *testing.T) {
	s := newOAuthServer(t)
	s.tokenFails.Store(2)
	c := newOAuthClient(s) // Retries 2: 503, 503, 201
	_, err := c.Family(ctxT(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.password.Load())
	assert.EqualValues(t, 1, s.api.Load())
}

func TestTOTVSTokenURLNeverLeaks(t *testing.T) {
	lg, logs := debugLogger()
	c := NewTOTVS(TOTVSOptions{BaseURL: closedPort(t) + "/rest", User: "pls", Password: "hunter2-secret",
		OAuth2: true, Logger: lg})
	_, err := c.Contract(ctxT(t), card)
	e := asError(t, err)
	assert.Equal(t, KindRefused, e.Kind)
	assert.NotContains(t, err.Error(), "hunter2-secret")
	assert.NotContains(t, logs.String(), "hunter2-secret")
}

func TestTOTVSConcurrentCallersShareOneToken(t *testing.T) {
	s := newOAuthServer(t)
	s.tokenDelay = 50 * time.Millisecond // widen the window in which callers overlap
	c := newOAuthClient(s)
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Family(ctxT(t), card)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, s.password.Load())
	assert.EqualValues(t, n, s.api.Load())
}

func TestTOTVSTokenWaiterSurvivesLeaderCancel(t *testing.T) {
	s := newOAuthServer(t)
	s.tokenDelay = 300 * time.Millisecond
	c := newOAuthClient(s)
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		_, err := c.Family(leaderCtx, card)
		leaderDone <- err
	}()
	// Wait until the leader's fetch is in flight, then start a waiter and cancel the leader.
	require.Eventually(t, func() bool {
		c.tokens.mu.Lock()
		defer c.tokens.mu.Unlock()
		return c.tokens.inflight != nil
	}, upperBound, time.Millisecond)
	waiter := make(chan error, 1)
	go func() {
		_, err := c.Family(ctxT(t), card)
		waiter <- err
	}()
	cancel()
	assert.Equal(t, KindCanceled, KindOf(<-leaderDone))
	require.NoError(t, within(t, func() error { return <-waiter }))
}

// pagedServer serves total grace groups, pageSize per page, honouring page/pageSize.
func pagedServer(t *testing.T, total int, requests *atomic.Int32, emptyNext bool) string {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		if page < 1 || size < 1 {
			writeJSON(w, 400, []byte(`{"code":"E002","message":"page e pageSize obrigatórios"}`))
			return
		}
		out := model.GracePeriodGroups{Items: []model.GraceGroup{}}
		if !emptyNext {
			for i := (page-1)*size + 1; i <= min(page*size, total); i++ {
				out.Items = append(out.Items, model.GraceGroup{GroupCode: fmt.Sprintf("%03d", i), Status: "Em Carencia"})
			}
		}
		out.HasNext = page*size < total || emptyNext
		out.RemainingRecords = max(total-page*size, 0)
		b, _ := json.Marshal(out)
		writeJSON(w, 200, b)
	})
	return srv.URL
}

func TestTOTVSPagination(t *testing.T) {
	tests := []struct {
		name         string
		total        int
		pageSize     int
		maxPages     int
		emptyNext    bool
		wantItems    int
		wantRequests int32
		wantHasNext  bool
	}{
		{"single page", 7, 10, 5, false, 7, 1, false},
		{"five pages merged", 45, 10, 20, false, 45, 5, false},
		{"exact multiple", 40, 10, 20, false, 40, 4, false},
		{"cap returns what was read", 45, 10, 2, false, 20, 2, true},
		{"hasNext with empty page stops", 0, 10, 20, true, 0, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reqs atomic.Int32
			url := pagedServer(t, tt.total, &reqs, tt.emptyNext)
			c := NewTOTVS(TOTVSOptions{BaseURL: url, PageSize: tt.pageSize, MaxPages: tt.maxPages})
			g, err := c.GracePeriodGroups(ctxT(t), card)
			require.NoError(t, err)
			require.Len(t, g.Items, tt.wantItems)
			for i, it := range g.Items {
				require.Equal(t, fmt.Sprintf("%03d", i+1), it.GroupCode, "pages merged in order")
			}
			assert.Equal(t, tt.wantRequests, reqs.Load())
			assert.Equal(t, tt.wantHasNext, g.HasNext)
		})
	}
}

func TestTOTVSPaginationClasses(t *testing.T) {
	var reqs atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		page := r.URL.Query().Get("page")
		fmt.Fprintf(w, `{"beneficiaryTransfer": true, "items": [{"classCode": "%s"}], "hasNext": %t, "remainingRecords": 1}`,
			page, page == "1")
	})
	c := NewTOTVS(TOTVSOptions{BaseURL: srv.URL})
	gc, err := c.GracePeriodClasses(ctxT(t), card)
	require.NoError(t, err)
	require.Len(t, gc.Items, 2)
	assert.Equal(t, "2", gc.Items[1].ClassCode)
	assert.True(t, gc.BeneficiaryTransfer)
	assert.EqualValues(t, 2, reqs.Load())
}
