package totvs

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/balcao/balcao/client"
)

const (
	opToken           = "totvs token"
	tokenPath         = "/api/oauth2/v1/token"
	tokenMaxMargin    = 60 * time.Second // refresh at most this long before expiry…
	tokenDefaultLife  = 5 * time.Minute  // …assumed when the answer has no expires_in
	grantPassword     = "password"
	grantRefreshToken = "refresh_token"
)

// tokenSource holds the TOTVS OAuth2 bearer token: cached, refreshed before expiry, fetched once for concurrent callers.
type tokenSource struct {
	call       *client.Caller
	user, pass string
	now        func() time.Time
	log        *slog.Logger

	mu        sync.Mutex
	access    string
	refresh   string
	refreshAt time.Time  // when the cached access token stops being used
	inflight  *tokenCall // the fetch every concurrent caller waits on
}

// tokenCall is one fetch shared by concurrent callers.
type tokenCall struct {
	done   chan struct{}
	access string
	err    *client.Error
}

// token returns a usable access token, fetching it if needed; concurrent callers share one fetch.
func (s *tokenSource) token(ctx context.Context) (string, *client.Error) {
	for {
		s.mu.Lock()
		if s.access != "" && s.now().Before(s.refreshAt) {
			a := s.access
			s.mu.Unlock()
			return a, nil
		}
		if call := s.inflight; call != nil {
			s.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return "", client.ContextError(ctx, opToken)
			}
			if call.err != nil && leaderGaveUp(call.err) && ctx.Err() == nil {
				continue // the fetching caller's context ended, not ours: fetch ourselves
			}
			return call.access, call.err
		}
		call := &tokenCall{done: make(chan struct{})}
		s.inflight = call
		refresh := s.refresh
		s.mu.Unlock()

		tok, e := s.fetch(ctx, refresh)

		s.mu.Lock()
		s.inflight = nil
		if e == nil {
			s.store(tok)
			call.access = tok.AccessToken
		} else {
			call.err = e
		}
		s.mu.Unlock()
		close(call.done)
		return call.access, call.err
	}
}

// leaderGaveUp says the shared fetch failed only because its caller's context ended.
func leaderGaveUp(e *client.Error) bool {
	return errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded)
}

// store caches tok; s.mu must be held.
func (s *tokenSource) store(tok *Token) {
	life := time.Duration(tok.ExpiresIn) * time.Second
	if life <= 0 {
		life = tokenDefaultLife
	}
	margin := min(tokenMaxMargin, life/10)
	s.access = tok.AccessToken
	if tok.RefreshToken != "" {
		s.refresh = tok.RefreshToken
	}
	s.refreshAt = s.now().Add(life - margin)
}

// invalidate drops the cached access token after a 401, unless another caller already replaced it.
func (s *tokenSource) invalidate(used string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access == used {
		s.access = ""
	}
}

// fetch asks for a token: refresh grant when a refresh token is known, falling back to the password grant.
func (s *tokenSource) fetch(ctx context.Context, refresh string) (*Token, *client.Error) {
	if refresh != "" {
		tok, e := s.grant(ctx, map[string]string{"grant_type": grantRefreshToken, "refresh_token": refresh})
		if e == nil {
			return tok, nil
		}
		if ctx.Err() != nil {
			return nil, e
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "totvs refresh grant failed, using password grant",
			slog.String("kind", e.Kind.String()), slog.Int("status", e.Status))
		s.mu.Lock()
		s.refresh = ""
		s.mu.Unlock()
	}
	return s.grant(ctx, map[string]string{"grant_type": grantPassword, "username": s.user, "password": s.pass})
}

// grant performs one token request (retried like a GET: it creates nothing).
func (s *tokenSource) grant(ctx context.Context, query map[string]string) (*Token, *client.Error) {
	resp, e := s.call.Do(ctx, client.Call{
		Op: opToken, Method: http.MethodPost, URL: tokenPath, Retry: true,
		// The credentials go in the query string, as the vendor's example sends them; the body is empty, sent with
		// Content-Length: 0 and no content type (never a chunked "JSON" body with nothing in it).
		Build: func(r *resty.Request) { r.SetQueryParams(query).SetContentLength(true) },
	})
	if e != nil {
		if e.Kind == client.KindBadRequest || e.Kind == client.KindNotFound {
			e.Kind = client.KindAuth // a refused grant is a credentials problem for whoever reads the message
		}
		return nil, e
	}
	var tok Token
	if err := client.DecodeJSON(resp.Body(), &tok); err != nil || tok.AccessToken == "" {
		if err == nil {
			err = errors.New("token answer without access_token")
		}
		return nil, &client.Error{Kind: client.KindMalformed, Op: opToken, Status: resp.StatusCode(), Err: err, Reached: client.ReachMaybe}
	}
	s.log.LogAttrs(ctx, slog.LevelDebug, "totvs token obtained", slog.String("grant", query["grant_type"]),
		slog.Int("expires_in", tok.ExpiresIn))
	return &tok, nil
}
