package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxTokens bounds the tokens kept at once; issuing past it drops the oldest.
const maxTokens = 10000

// tokens holds the tokens issued by /autorizacao until they expire. Tokens are kept by their SHA-256, so a
// lookup reveals nothing through timing about a token's bytes.
type tokens struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	expires map[[32]byte]time.Time
}

func newTokens(ttl time.Duration, now func() time.Time) *tokens {
	return &tokens{ttl: ttl, now: now, expires: map[[32]byte]time.Time{}}
}

// issue returns a new random token (32 bytes, base64url) valid for the TTL, purging expired ones.
func (t *tokens) issue() (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.purgeLocked(now)
	if len(t.expires) >= maxTokens {
		var oldest [32]byte
		var at time.Time
		for k, e := range t.expires {
			if at.IsZero() || e.Before(at) {
				oldest, at = k, e
			}
		}
		delete(t.expires, oldest)
	}
	t.expires[sha256.Sum256([]byte(tok))] = now.Add(t.ttl)
	return tok, nil
}

// valid reports whether tok was issued and has not expired; an expired token is forgotten.
func (t *tokens) valid(tok string) bool {
	if tok == "" {
		return false
	}
	h := sha256.Sum256([]byte(tok))
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.expires[h]
	if !ok {
		return false
	}
	if !now.Before(e) {
		delete(t.expires, h)
		return false
	}
	return true
}

// count returns how many tokens are kept (expired ones included until purged).
func (t *tokens) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.expires)
}

func (t *tokens) purgeLocked(now time.Time) {
	for k, e := range t.expires {
		if !now.Before(e) {
			delete(t.expires, k)
		}
	}
}

// equal compares two secrets in constant time (for equal lengths; the length itself is not secret).
func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// headerValue reads a credential header, tolerating a "Bearer " prefix that some clients add.
func headerValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return v
}

// Credential names, as the log and the access record show them.
const (
	DefaultSecretName = "segredo"  // the static secret's name when Options.SecretName is ""
	tokenNamePrefix   = "usuario:" // a token's credential is the user that signed in
)

// credential returns the name of the credential r carries in SecretHeader: the static secret's, or the user
// whose live token it is. ok is false when it carries neither.
func (s *Server) credential(r *http.Request) (name string, ok bool) {
	raw := r.Header.Get(s.o.SecretHeader)
	if raw == "" {
		return "", false
	}
	v := headerValue(raw)
	if s.o.Secret != "" && (equal(raw, s.o.Secret) || equal(v, s.o.Secret)) {
		return s.o.SecretName, true
	}
	if s.o.AuthUser != "" && s.tokens.valid(v) {
		return tokenNamePrefix + s.o.AuthUser, true
	}
	return "", false
}
