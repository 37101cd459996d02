package totvs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/internal/clienttest"
	"github.com/balcao/balcao/model"
)

const card = "00011008000027010"

func TestTOTVSDecodesSeedShapes(t *testing.T) {
	var transfer atomic.Bool
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "pls" || p != "s3cr3t" {
			clienttest.WriteJSON(w, 401, []byte(`{"code":"401","message":"unauthorized"}`))
			return
		}
		if r.Header.Get("tenantId") != "01,006001" || r.Header.Get("Content-Type") != "application/json" {
			clienttest.WriteJSON(w, 400, []byte(`{"code":"400","message":"missing headers"}`))
			return
		}
		switch r.URL.Path {
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/contract":
			clienttest.WriteJSON(w, 200, clienttest.Seed(t, "contract.json"))
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/familyBeneficiaries":
			clienttest.WriteJSON(w, 200, clienttest.Seed(t, "family.json"))
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/gracePeriodClass":
			if transfer.Load() {
				clienttest.WriteJSON(w, 200, clienttest.Seed(t, "grace_class_transfer.json"))
			} else {
				clienttest.WriteJSON(w, 200, clienttest.Seed(t, "grace_class.json"))
			}
		case "/rest/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/gracePeriodGroup":
			clienttest.WriteJSON(w, 200, clienttest.Seed(t, "grace_group.json"))
		default:
			clienttest.WriteJSON(w, 404, nil)
		}
	})
	c := New(Options{BaseURL: srv.URL + "/rest/", User: "pls", Password: "s3cr3t", TenantID: "01,006001"})
	t.Cleanup(func() { _ = c.Close() })
	ctx := clienttest.Ctx(t)

	ct, err := c.Contract(ctx, "0001.1008.000027.01-0") // formatted cards are normalised
	require.NoError(t, err)
	assert.Equal(t, "23576483098", ct.CPF)
	assert.Equal(t, "Ativo", ct.Situation)
	assert.Equal(t, card, ct.Card)
	assert.Equal(t, "HERNANDES ALVES DA SILVA", ct.Name)
	assert.Equal(t, "2001-06-15", ct.BirthDate)
	assert.Equal(t, "TESTE", ct.MotherName)
	titles := make([]string, len(ct.Sections))
	fields := 0
	for i, sec := range ct.Sections {
		titles[i] = sec.Title
		fields += len(sec.Fields)
	}
	assert.Equal(t, []string{"Dados Pessoais", "Outros", "Outros campos"}, titles,
		"folders with fields, in folder order, then the fields no struct describes")
	assert.Equal(t, 17, fields, "every field is laid out")
	assert.Contains(t, sectionValues(ct.Sections), "Sexo=Masculino", "a combo box value shows its description")

	fam, err := c.Family(ctx, card)
	require.NoError(t, err)
	require.Len(t, fam.Members, 2)
	assert.Equal(t, model.FamilyMember{Card: "00011008000027028", Name: "FABIANA SOPHIA MELO",
		Kinship: "CONJUGE/ COMPANHEIRO", Situation: "Ativo"}, fam.Members[1])

	gc, err := c.GraceClasses(ctx, card)
	require.NoError(t, err)
	assert.False(t, gc.Transfer)
	require.Len(t, gc.Items, 4)
	assert.Equal(t, "PERIODONTIA", gc.Items[3].Description)
	assert.Equal(t, "2022-01-22", gc.Items[3].End)

	transfer.Store(true)
	gc, err = c.GraceClasses(ctx, card)
	require.NoError(t, err)
	assert.True(t, gc.Transfer)
	require.Len(t, gc.Items, 2)
	assert.Equal(t, "2022-01-13", gc.Items[1].CurEnd)
	assert.Equal(t, "Carencia Cumprida", gc.Items[1].PrevStatus)

	gg, err := c.GraceGroups(ctx, card)
	require.NoError(t, err)
	require.Len(t, gg.Items, 2)
	assert.Equal(t, model.GraceGroup{Code: "002", Description: "EXAMES", Date: "2022-11-25",
		Status: "Carencia Cumprida"}, gg.Items[1])
	assert.False(t, gg.More)
}

// sectionValues lists every field of the sections as "label=value".
func sectionValues(secs []model.Section) []string {
	var out []string
	for _, s := range secs {
		for _, f := range s.Fields {
			out = append(out, f.Label+"="+f.Value)
		}
	}
	return out
}

func TestTOTVSNotFound(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     []byte
		wantMsg  string
		wantCode string
	}{
		{"E001 with 404", 404, clienttest.Seed(t, "e001.json"), "Beneficiário não encontrado.", "E001"},
		{"E001 with 400", 400, clienttest.Seed(t, "e001_grace.json"), "Beneficiário não encontrado.", "E001"},
		{"bare 404", 404, []byte("Not Found"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				clienttest.WriteJSON(w, tt.status, tt.body)
			})
			c := New(Options{BaseURL: srv.URL, Retries: 3, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait})
			_, err := c.Contract(clienttest.Ctx(t), "00011008000026010")
			e := clienttest.AsError(t, err)
			assert.True(t, errors.Is(err, client.ErrNotFound))
			assert.Equal(t, client.KindNotFound, client.KindOf(err))
			assert.Equal(t, tt.wantMsg, e.Message)
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, tt.status, e.Status)
			assert.False(t, e.Sent())
			assert.EqualValues(t, 1, calls.Load(), "a 4xx is never retried")
			if tt.wantMsg != "" {
				assert.Contains(t, e.Detail, "00011008000027012"[:10])
				assert.Contains(t, e.UserMessage(), "“"+strings.TrimSuffix(tt.wantMsg, ".")+" — ")
				assert.Contains(t, e.UserMessage(), strings.TrimSuffix(e.Detail, ".")+"”", "detailedMessage reaches the attendant")
			}
		})
	}
}

func TestTOTVSOtherErrorModel(t *testing.T) {
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		clienttest.WriteJSON(w, 400, []byte(`{"code":"E099","message":"Parâmetro inválido","detailedMessage":"pageSize > 100"}`))
	})
	c := New(Options{BaseURL: srv.URL})
	_, err := c.GraceGroups(clienttest.Ctx(t), card)
	e := clienttest.AsError(t, err)
	assert.Equal(t, client.KindBadRequest, e.Kind)
	assert.Equal(t, "E099", e.Code)
	assert.Equal(t, "Parâmetro inválido", e.Message)
	assert.Equal(t, "pageSize > 100", e.Detail)
	assert.False(t, errors.Is(err, client.ErrNotFound))
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
	srv := clienttest.Serve(t, s.handle)
	s.url = srv.URL + "/rest"
	return s
}

func (s *oauthServer) issue(w http.ResponseWriter) {
	s.mu.Lock()
	s.seq++
	at, rt := fmt.Sprintf("A%d", s.seq), fmt.Sprintf("R%d", s.seq)
	s.valid[at], s.refreshTok[rt] = true, true
	s.mu.Unlock()
	b, _ := json.Marshal(Token{AccessToken: at, RefreshToken: rt, Scope: "default", TokenType: "Bearer", ExpiresIn: s.expiresIn})
	clienttest.WriteJSON(w, http.StatusCreated, b)
}

func (s *oauthServer) revokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.valid = map[string]bool{}
}

func (s *oauthServer) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/rest/api/oauth2/v1/token" {
		if r.Method != http.MethodPost {
			clienttest.WriteJSON(w, 405, nil)
			return
		}
		// As a validator built from the vendor's shape checks it: credentials in the query, an empty body sent
		// with Content-Length: 0, and no JSON content type (an empty "JSON" body is invalid JSON).
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 || strings.Contains(r.Header.Get("Content-Type"), "json") {
			clienttest.WriteJSON(w, 400, []byte(`{"code":"400","message":"JSON inválido"}`))
			return
		}
		if s.tokenFails.Load() > 0 {
			s.tokenFails.Add(-1)
			clienttest.WriteJSON(w, 503, []byte(`{"code":"503","message":"busy"}`))
			return
		}
		time.Sleep(s.tokenDelay)
		q := r.URL.Query()
		switch q.Get("grant_type") {
		case "password":
			s.password.Add(1)
			if q.Get("username") != "pls" || q.Get("password") != "s3cr3t" {
				clienttest.WriteJSON(w, 401, []byte(`{"code":"401","message":"Usuário ou senha inválidos"}`))
				return
			}
			s.issue(w)
		case "refresh_token":
			s.refresh.Add(1)
			s.mu.Lock()
			known := s.refreshTok[q.Get("refresh_token")]
			s.mu.Unlock()
			if !known || !s.refreshOK.Load() {
				clienttest.WriteJSON(w, 400, []byte(`{"code":"400","message":"invalid refresh token"}`))
				return
			}
			s.issue(w)
		default:
			clienttest.WriteJSON(w, 400, nil)
		}
		return
	}
	s.api.Add(1)
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	valid := ok && s.valid[bearer]
	s.mu.Unlock()
	if !valid {
		clienttest.WriteJSON(w, 401, []byte(`{"code":"401","message":"token inválido"}`))
		return
	}
	clienttest.WriteJSON(w, 200, clienttest.Seed(s.t, "family.json"))
}

func newOAuthClient(s *oauthServer, mut ...func(*Options)) *Client {
	o := Options{BaseURL: s.url, User: "pls", Password: "s3cr3t", OAuth2: true,
		Retries: 2, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return New(o)
}

func TestTOTVSOAuth2TokenCached(t *testing.T) {
	s := newOAuthServer(t)
	c := newOAuthClient(s)
	for range 3 {
		_, err := c.Family(clienttest.Ctx(t), card)
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

	_, err := c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)
	require.EqualValues(t, 1, s.password.Load())

	advance(3600*time.Second - 90*time.Second) // outside the 60 s margin: cached
	_, err = c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 0, s.refresh.Load())

	advance(31 * time.Second) // inside the margin: refresh grant
	_, err = c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.refresh.Load())
	assert.EqualValues(t, 1, s.password.Load())

	s.refreshOK.Store(false) // refresh refused: fall back to the password grant
	advance(2 * time.Hour)
	_, err = c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 2, s.refresh.Load())
	assert.EqualValues(t, 2, s.password.Load())
	assert.EqualValues(t, 4, s.api.Load())
}

func TestTOTVSOAuth2RenewsOnceOn401(t *testing.T) {
	s := newOAuthServer(t)
	c := newOAuthClient(s)
	_, err := c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)

	s.revokeAll() // the server forgets the token before its expiry
	_, err = c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.refresh.Load(), "renewed with the refresh grant")
	assert.EqualValues(t, 3, s.api.Load(), "1 ok + 1 rejected + 1 repeated")
}

func TestTOTVSOAuth2PersistentRejection(t *testing.T) {
	var tokens, api atomic.Int32
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			tokens.Add(1)
			clienttest.WriteJSON(w, 201, []byte(`{"access_token":"T`+strconv.Itoa(int(tokens.Load()))+`","expires_in":3600}`))
			return
		}
		api.Add(1)
		clienttest.WriteJSON(w, 401, []byte(`{"code":"401","message":"token expirado"}`))
	})
	c := New(Options{BaseURL: srv.URL, User: "pls", Password: "x", OAuth2: true, Retries: 2,
		RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait})
	_, err := c.Contract(clienttest.Ctx(t), card)
	e := clienttest.AsError(t, err)
	assert.Equal(t, client.KindAuth, e.Kind)
	assert.Equal(t, 401, e.Status)
	assert.Equal(t, "token expirado", e.Message)
	assert.EqualValues(t, 2, tokens.Load(), "one token, one renewal")
	assert.EqualValues(t, 2, api.Load(), "the call is repeated once, and 401 is not retried")
}

func TestTOTVSOAuth2BadCredentials(t *testing.T) {
	s := newOAuthServer(t)
	lg, logs := clienttest.DebugLogger()
	c := newOAuthClient(s, func(o *Options) { o.Password = "wrong-pass"; o.Logger = lg })
	_, err := c.Contract(clienttest.Ctx(t), card)
	e := clienttest.AsError(t, err)
	assert.Equal(t, client.KindAuth, e.Kind)
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
	_, err := c.Family(clienttest.Ctx(t), card)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.password.Load())
	assert.EqualValues(t, 1, s.api.Load())
}

func TestTOTVSTokenURLNeverLeaks(t *testing.T) {
	lg, logs := clienttest.DebugLogger()
	c := New(Options{BaseURL: clienttest.ClosedPort(t) + "/rest", User: "pls", Password: "hunter2-secret",
		OAuth2: true, Logger: lg})
	_, err := c.Contract(clienttest.Ctx(t), card)
	e := clienttest.AsError(t, err)
	assert.Equal(t, client.KindRefused, e.Kind)
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
			_, err := c.Family(clienttest.Ctx(t), card)
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
	}, clienttest.UpperBound, time.Millisecond)
	waiter := make(chan error, 1)
	go func() {
		_, err := c.Family(clienttest.Ctx(t), card)
		waiter <- err
	}()
	cancel()
	assert.Equal(t, client.KindCanceled, client.KindOf(<-leaderDone))
	require.NoError(t, clienttest.Within(t, func() error { return <-waiter }))
}

// pagedServer serves total grace groups, pageSize per page, honouring page/pageSize.
func pagedServer(t *testing.T, total int, requests *atomic.Int32, emptyNext bool) string {
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		if page < 1 || size < 1 {
			clienttest.WriteJSON(w, 400, []byte(`{"code":"E002","message":"page e pageSize obrigatórios"}`))
			return
		}
		out := GracePeriodGroups{Items: []GraceGroup{}}
		if !emptyNext {
			for i := (page-1)*size + 1; i <= min(page*size, total); i++ {
				out.Items = append(out.Items, GraceGroup{GroupCode: fmt.Sprintf("%03d", i), Status: "Em Carencia"})
			}
		}
		out.HasNext = page*size < total || emptyNext
		out.RemainingRecords = max(total-page*size, 0)
		b, _ := json.Marshal(out)
		clienttest.WriteJSON(w, 200, b)
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
			c := New(Options{BaseURL: url, PageSize: tt.pageSize, MaxPages: tt.maxPages})
			g, err := c.GraceGroups(clienttest.Ctx(t), card)
			require.NoError(t, err)
			require.Len(t, g.Items, tt.wantItems)
			for i, it := range g.Items {
				require.Equal(t, fmt.Sprintf("%03d", i+1), it.Code, "pages merged in order")
			}
			assert.Equal(t, tt.wantRequests, reqs.Load())
			assert.Equal(t, tt.wantHasNext, g.More)
		})
	}
}

func TestTOTVSPaginationClasses(t *testing.T) {
	var reqs atomic.Int32
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		page := r.URL.Query().Get("page")
		fmt.Fprintf(w, `{"beneficiaryTransfer": true, "items": [{"classCode": "%s"}], "hasNext": %t, "remainingRecords": 1}`,
			page, page == "1")
	})
	c := New(Options{BaseURL: srv.URL})
	gc, err := c.GraceClasses(clienttest.Ctx(t), card)
	require.NoError(t, err)
	require.Len(t, gc.Items, 2)
	assert.Equal(t, "2", gc.Items[1].Code)
	assert.True(t, gc.Transfer)
	assert.EqualValues(t, 2, reqs.Load())
}

func TestPing(t *testing.T) {
	tests := []struct {
		status int
		want   client.ErrorKind // KindOther means healthy
	}{
		{200, client.KindOther}, {404, client.KindOther}, {405, client.KindOther}, {400, client.KindOther},
		{401, client.KindAuth}, {403, client.KindAuth}, {503, client.KindServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			var methods sync.Map
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				methods.Store(r.Method+" "+r.URL.Path, true)
				w.WriteHeader(tt.status)
			})
			err := New(Options{BaseURL: srv.URL + "/rest"}).Ping(clienttest.Ctx(t))
			if tt.want == client.KindOther {
				assert.NoError(t, err)
			} else {
				assert.Equal(t, tt.want, client.KindOf(err))
			}
			_, ok := methods.Load("HEAD /rest/totvsHealthPlans/v1/beneficiaryPosition")
			assert.True(t, ok)
		})
	}
	t.Run("refused", func(t *testing.T) {
		assert.Equal(t, client.KindRefused, client.KindOf(New(Options{BaseURL: clienttest.ClosedPort(t)}).Ping(clienttest.Ctx(t))))
	})
	t.Run("oauth2 fetches a token", func(t *testing.T) {
		s := newOAuthServer(t)
		require.NoError(t, newOAuthClient(s).Ping(clienttest.Ctx(t)))
		assert.EqualValues(t, 1, s.password.Load())
	})
}

func TestTOTVSLogsAndErrorsNeverCarryTheWholeCard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"code":500,"message":"falha"}`))
	}))
	t.Cleanup(srv.Close)
	lg, logs := clienttest.DebugLogger()
	c := New(Options{BaseURL: srv.URL + "/rest", User: "u", Password: "p", Retries: 1, Logger: lg})
	_, err := c.Contract(clienttest.Ctx(t), card)
	require.Error(t, err)
	for _, leak := range []string{card, model.FormatCard(card)} {
		assert.NotContains(t, logs.String(), leak, "the card in an op or a path is masked in the log")
		assert.NotContains(t, err.Error(), leak)
	}
	assert.Contains(t, logs.String(), "totvs contract ***************"+card[len(card)-2:])
}
