package client

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-resty/resty/v2"
)

// Defaults applied when an option is zero.
const (
	DefaultTimeout      = 10 * time.Second       // per attempt
	DefaultRetries      = 2                      // suggested config default; a zero Retries means no retry
	DefaultRetryWait    = 200 * time.Millisecond // first backoff step
	DefaultRetryMaxWait = 2 * time.Second        // backoff cap
	DefaultPageSize     = 20                     // TOTVS pageSize
	DefaultMaxPages     = 20                     // TOTVS page cap per collection
	maxBodyBytes        = 8 << 20                // response bodies above this are refused as malformed
)

// caller runs HTTP attempts with resty and turns every failure into an *Error.
type caller struct {
	rc       *resty.Client
	log      *slog.Logger
	retries  int
	wait     time.Duration
	maxWait  time.Duration
	errBody  func(body []byte, e *Error) // fills Code/Message/Detail (and may change Kind) from an error body
	sleepFor func(attempt int, resp *resty.Response) time.Duration
}

// callOpts configure one logical call.
type callOpts struct {
	op     string                 // Error.Op
	method string                 // HTTP method
	url    string                 // absolute or relative to the base URL
	retry  bool                   // idempotent: retry transport errors, timeouts, 5xx and 429
	probe  bool                   // a health probe: its failures are logged at debug, not as warnings
	build  func(r *resty.Request) // headers, query, body
}

func newResty(baseURL string, timeout time.Duration) *resty.Client {
	return resty.New().
		SetBaseURL(baseURL).
		SetTimeout(timeout).
		SetDisableWarn(true).
		SetLogger(nopLogger{}).
		SetResponseBodyLimit(maxBodyBytes).
		SetRedirectPolicy(resty.FlexibleRedirectPolicy(5)).
		SetHeader("Accept", "application/json")
}

func orDuration(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

func orLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// do runs the call, retrying when allowed; a nil error means a 2xx answer whose body is in the response.
func (c *caller) do(ctx context.Context, o callOpts) (*resty.Response, *Error) {
	retries := 0
	if o.retry && c.retries > 0 {
		retries = c.retries
	}
	anySent := false
	for attempt := 0; ; attempt++ {
		resp, e := c.attempt(ctx, o, attempt)
		if e == nil {
			return resp, nil
		}
		anySent = anySent || e.Sent()
		if anySent {
			e.sent = sentYes
		}
		if attempt >= retries || !retryable(ctx, e) {
			level := slog.LevelWarn
			if o.probe {
				level = slog.LevelDebug
			}
			c.log.LogAttrs(ctx, level, "upstream call failed", slog.String("op", o.op),
				slog.String("kind", e.Kind.String()), slog.Int("status", e.Status),
				slog.Int("attempts", attempt+1), slog.String("err", errText(e.Err)))
			return resp, e
		}
		wait := c.backoff(attempt, resp)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			ce := ctxError(ctx, o.op)
			if anySent {
				ce.sent = sentYes
			}
			return nil, ce
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// retryable says whether an attempt's failure is worth another attempt.
func retryable(ctx context.Context, e *Error) bool {
	if ctx.Err() != nil {
		return false
	}
	switch e.Kind {
	case KindRefused, KindTimeout, KindServer:
		return true
	}
	return false
}

// backoff is exponential with jitter (half fixed, half random), capped; Retry-After wins when given and smaller than the cap.
func (c *caller) backoff(attempt int, resp *resty.Response) time.Duration {
	if c.sleepFor != nil {
		return c.sleepFor(attempt, resp)
	}
	if resp != nil && resp.RawResponse != nil {
		if s, err := strconv.Atoi(resp.Header().Get("Retry-After")); err == nil && s >= 0 {
			return min(time.Duration(s)*time.Second, c.maxWait)
		}
	}
	d := c.wait << min(attempt, 20)
	if d <= 0 || d > c.maxWait {
		d = c.maxWait
	}
	half := d / 2
	return half + rand.N(half+1)
}

// attempt sends once and classifies the outcome.
func (c *caller) attempt(ctx context.Context, o callOpts, n int) (*resty.Response, *Error) {
	var gotConn atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }}
	r := c.rc.R().SetContext(httptrace.WithClientTrace(ctx, trace))
	if o.build != nil {
		o.build(r)
	}
	start := time.Now()
	resp, err := r.Execute(o.method, o.url)
	status := 0
	if resp != nil && resp.RawResponse != nil {
		status = resp.StatusCode()
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "upstream attempt", slog.String("op", o.op),
		slog.String("method", o.method), slog.Int("attempt", n+1), slog.Int("status", status),
		slog.Duration("took", time.Since(start)))
	if err != nil {
		return resp, transportError(ctx, o.op, err, status, gotConn.Load())
	}
	if status >= 200 && status < 300 {
		return resp, nil
	}
	return resp, c.statusError(o.op, status, resp.Body())
}

// statusError maps a non-2xx answer.
func (c *caller) statusError(op string, status int, body []byte) *Error {
	e := &Error{Op: op, Status: status}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind, e.sent = KindAuth, sentNo
	case status == http.StatusNotFound:
		e.Kind, e.sent = KindNotFound, sentNo
	case status == http.StatusRequestTimeout:
		e.Kind, e.sent = KindTimeout, sentNo
	case status == http.StatusTooManyRequests:
		e.Kind, e.sent = KindServer, sentNo
	case status >= 400 && status < 500:
		e.Kind, e.sent = KindBadRequest, sentNo
	case status >= 500:
		e.Kind, e.sent = KindServer, sentYes
	default: // 1xx/3xx left unresolved
		e.Kind, e.sent = KindOther, sentYes
	}
	if c.errBody != nil {
		c.errBody(body, e)
	}
	return e
}

// transportError maps an error without a usable answer; gotConn tells whether bytes may have left.
func transportError(ctx context.Context, op string, err error, status int, gotConn bool) *Error {
	if ctx.Err() != nil {
		e := ctxError(ctx, op)
		if gotConn {
			e.sent = sentYes
		}
		return e
	}
	// Strip *url.Error: its text repeats the URL, and the TOTVS token URL carries the password.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	e := &Error{Op: op, Status: status, Err: err, sent: sentNo}
	if gotConn {
		e.sent = sentYes
	}
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		e.Kind = KindMalformed
	case errors.As(err, &ne) && ne.Timeout():
		e.Kind = KindTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &de),
		errors.As(err, &oe) && oe.Op == "dial":
		e.Kind = KindRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &oe):
		e.Kind = KindRefused
	default:
		e.Kind = KindOther
		if gotConn { // the connection was up and something broke on the way: treat as dropped
			e.Kind = KindRefused
		}
	}
	return e
}

// ctxError maps the caller's context ending.
func ctxError(ctx context.Context, op string) *Error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Op: op, Err: err, sent: sentNo}
	}
	return &Error{Kind: KindCanceled, Op: op, Err: err, sent: sentNo}
}

// nopLogger silences resty's own logger (it would print to stderr, over the console, and may echo URLs).
type nopLogger struct{}

func (nopLogger) Errorf(string, ...any) {}
func (nopLogger) Warnf(string, ...any)  {}
func (nopLogger) Debugf(string, ...any) {}
