package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/i18n"
)

func TestNewRefusesWithoutACompleteCredential(t *testing.T) {
	dir := newDirectory(t, fixture)
	for _, o := range []Options{{}, {AuthPassword: "x"}, {AuthUser: "mosia"}, {Secret: testSecret, AuthUser: "mosia"},
		{Secret: testSecret, AuthPassword: "x"}} {
		s, err := New(dir, o)
		assert.ErrorIs(t, err, ErrNoCredential, "%+v", o)
		assert.Nil(t, s)
	}
}

func TestEmptyPasswordNeverGetsAToken(t *testing.T) {
	// The attack of the issue: a secret, a user, no password. New refuses it; and with a password set, an empty
	// one gets no token.
	_, err := New(newDirectory(t, fixture), Options{Secret: testSecret, AuthUser: "mosia"})
	require.ErrorIs(t, err, ErrNoCredential)
	e := startServer(t, newDirectory(t, fixture), Options{Secret: testSecret, AuthUser: "mosia", AuthPassword: "s3nha-forte"})
	code, b := e.do(t, http.MethodPost, "/autorizacao", `{"usuario":"mosia","senha":""}`)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.NotContains(t, string(b), "token")
}

// dialFrom is an HTTP client whose connections leave from the loopback address ip (127.0.0.0/8 is all local).
func dialFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxConnsPerHost: 16}, Timeout: 10 * time.Second}
}

func postFrom(t testing.TB, c *http.Client, url, body string) int {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestBruteForceOnAutorizacaoIsThrottled(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10-second attack")
	}
	e := startServer(t, newDirectory(t, fixture), Options{AuthUser: "mosia", AuthPassword: "a-senha-certa-123"})
	url := e.ts.URL + "/autorizacao"
	attacker := dialFrom("127.0.0.1")
	var checks, refused, total atomic.Int64
	var retryAfter atomic.Value
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for c := range 8 { // 8 connections, guessing as fast as they are answered
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url,
					strings.NewReader(fmt.Sprintf(`{"usuario":"mosia","senha":"chute-%d-%d"}`, c, i)))
				resp, err := attacker.Do(req)
				if err != nil {
					return
				}
				resp.Body.Close()
				total.Add(1)
				switch resp.StatusCode {
				case http.StatusUnauthorized:
					checks.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
					retryAfter.Store(resp.Header.Get("Retry-After"))
				default:
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	// During the attack, Mosia's right password from another address still gets a token, and a wrong guess
	// from that address is still answered 401 (not 429).
	time.Sleep(3 * time.Second)
	other := dialFrom("127.0.0.2")
	assert.Equal(t, http.StatusOK, postFrom(t, other, url, `{"usuario":"mosia","senha":"a-senha-certa-123"}`),
		"the right password from another client works during the attack")
	wg.Wait()
	t.Logf("brute force, 8 connections, 10 s: %d attempts, %d reached the comparison, %d refused with 429",
		total.Load(), checks.Load(), refused.Load())
	assert.Less(t, checks.Load(), int64(100), "fewer than 100 guesses reach the comparison")
	assert.Positive(t, refused.Load())
	assert.NotEmpty(t, retryAfter.Load(), "429 says when to come back")
	assert.Equal(t, http.StatusTooManyRequests,
		postFrom(t, attacker, url, `{"usuario":"mosia","senha":"a-senha-certa-123"}`),
		"the attacking address waits, even with the right password")

	// One summary line, not a line per attempt.
	logs := e.logs.String()
	assert.Less(t, strings.Count(logs, `"level":"WARN"`), 5, "no warning per attempt")
	e.srv.guard.mu.Lock()
	e.srv.guard.summarizeLocked(time.Now(), true)
	e.srv.guard.mu.Unlock()
	assert.Contains(t, e.logs.String(), `"msg":"busca: failed credential checks"`)
	_, m := e.do(t, http.MethodGet, "/metrics", "")
	assert.Contains(t, string(m), `balcao_busca_errors_total{kind="throttled"}`)
	assert.Contains(t, string(m), fmt.Sprintf("balcao_busca_login_checks_total %d", checks.Load()+1))
}

func TestWrongSecretsAreThrottledPerAddress(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: testSecret})
	url := e.ts.URL + "/buscaBeneficiarios"
	body := `{"chaveUnica":"15846772777"}`
	codes := map[int]int{}
	for i := range 12 {
		code, _ := e.busca(t, body, "Authorization", fmt.Sprintf("chute-%d", i))
		codes[code]++
	}
	assert.Equal(t, map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 7}, codes)
	code, b := e.busca(t, body, "Authorization", testSecret)
	assert.Equal(t, http.StatusTooManyRequests, code, "a waiting address gets 429 even for the right secret")
	requireFailure(t, b, "")
	other := dialFrom("127.0.0.3")
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", testSecret)
	resp, err := other.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "another address is not affected")
}

func TestBehindProxyReadsTheLastForwardedAddress(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: testSecret, BehindProxy: true})
	for i := range 6 { // a client behind the proxy fails six times
		e.busca(t, `{"cpf":"1"}`, "Authorization", "x", "X-Forwarded-For", fmt.Sprintf("6.6.6.%d, 10.0.0.1", i))
	}
	code, _ := e.busca(t, `{"chaveUnica":"15846772777"}`, "Authorization", testSecret, "X-Forwarded-For", "10.0.0.2")
	assert.Equal(t, http.StatusOK, code, "the proxy's other clients (their last X-Forwarded-For) are not held")
	code, _ = e.busca(t, `{"chaveUnica":"15846772777"}`, "Authorization", testSecret, "X-Forwarded-For", "1.2.3.4, 10.0.0.1")
	assert.Equal(t, http.StatusTooManyRequests, code, "the address the proxy saw waits, whatever the client claims before it")
}

func TestSearchBudgetPerCredential(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: testSecret, Rate: 1, Burst: 3})
	codes := map[int]int{}
	var last []byte
	for range 6 {
		code, b := e.busca(t, `{"chaveUnica":"15846772777"}`, "Authorization", testSecret)
		codes[code]++
		if code == http.StatusTooManyRequests {
			last = b
		}
	}
	assert.Equal(t, 3, codes[http.StatusOK])
	assert.GreaterOrEqual(t, codes[http.StatusTooManyRequests], 2)
	requireFailure(t, last, i18n.ServerRateLimited)
	_, m := e.do(t, http.MethodGet, "/metrics", "", "Authorization", testSecret)
	assert.Contains(t, string(m), `balcao_busca_errors_total{kind="rate_limited"}`)
}

func TestMetricsCanRequireACredential(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: testSecret, MetricsAuth: true})
	code, _ := e.do(t, http.MethodGet, "/metrics", "", "X-None", "x")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, m := e.do(t, http.MethodGet, "/metrics", "", "Authorization", testSecret)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(m), "balcao_busca_requests_total")
}

// memRecord is an access record in memory; fail makes Record fail.
type memRecord struct {
	mu      sync.Mutex
	entries []audit.Entry
	fail    bool
}

func (m *memRecord) Record(_ context.Context, e audit.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return errors.New("disk full")
	}
	m.entries = append(m.entries, e)
	return nil
}

func TestEachAnswerIsRecordedBeforeItIsSent(t *testing.T) {
	rec := &memRecord{}
	e := startServer(t, newDirectory(t, fixture), Options{Secret: testSecret, Audit: rec})
	code, _ := e.busca(t, `{"cpf":"158.467.727-77","nome":"joao"}`)
	require.Equal(t, http.StatusOK, code)
	code, _ = e.busca(t, `{"nome":"ninguem aqui"}`)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, rec.entries, 1, "an answer that shows nobody is not an access")
	got := rec.entries[0]
	assert.Equal(t, audit.KindSearch, got.Kind)
	assert.Equal(t, DefaultSecretName, got.Who)
	assert.Equal(t, "cpf,nome", got.What)
	assert.Equal(t, []string{"15846772777", "15846772777"}, got.Chaves, "one chave per row shown")

	rec.fail = true
	code, b := e.busca(t, `{"cpf":"158.467.727-77"}`)
	assert.Equal(t, http.StatusServiceUnavailable, code, "no record, no answer")
	requireFailure(t, b, i18n.ServerUnavailable)
	assert.NotContains(t, string(b), "João")
}

func TestGuardBackoffAndForgiveness(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	g := newGuard(func() time.Time { return now }, discardLogger())
	for i := range addrFree {
		_, ok := g.admit("a", "u")
		require.True(t, ok, "check %d", i+1)
	}
	wait, ok := g.admit("a", "u")
	assert.False(t, ok)
	assert.Equal(t, firstWait, wait)
	now = now.Add(firstWait)
	_, ok = g.admit("a", "u")
	assert.True(t, ok, "after the wait, one more check")
	wait, _ = g.admit("a", "u")
	assert.Equal(t, 2*firstWait, wait, "each failure doubles the wait")
	assert.Equal(t, addrMaxWait, backoff(40, addrMaxWait))

	// A user attacked from many addresses: new addresses wait; one it signed in from does not.
	g2 := newGuard(func() time.Time { return now }, discardLogger())
	g2.succeeded("mosia-ip", "u")
	for i := range userFree {
		_, ok := g2.admit(fmt.Sprintf("10.0.0.%d", i), "u")
		require.True(t, ok)
	}
	_, ok = g2.admit("10.0.1.1", "u")
	assert.False(t, ok, "a new address waits for a user under attack")
	_, ok = g2.admit("mosia-ip", "u")
	assert.True(t, ok, "the address the user signs in from does not")
	_, ok = g2.admit("10.0.1.1", "outro")
	assert.True(t, ok, "other users are not held")

	// Quiet strikes are forgotten.
	now = now.Add(forgetAfter + addrMaxWait + time.Second)
	_, ok = g.admit("a", "u")
	assert.True(t, ok)
}

func TestMaskDigits(t *testing.T) {
	for in, want := range map[string]string{
		"/buscaBeneficiarios":              "/buscaBeneficiarios",
		"/x/15846772777":                   "/x/*********77",
		"/a1/b123/c1234":                   "/a1/b123/c**34",
		"/00011008000027010/y/27998765432": "/***************10/y/*********32",
	} {
		assert.Equal(t, want, maskDigits(in), in)
	}
}
