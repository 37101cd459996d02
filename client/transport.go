package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
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

// CallerOptions configure a Caller; zero values take the package defaults.
type CallerOptions struct {
	BaseURL      string
	Timeout      time.Duration // per attempt
	Retries      int           // extra attempts for retryable calls; 0 means none (see DefaultRetries)
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	Logger       *slog.Logger
	Upstream     string                      // logged as "upstream" ("totvs", "mosia")
	ErrBody      func(body []byte, e *Error) // fills Code/Message/Detail (and may change Kind) from an error body
}

// Caller runs HTTP attempts with resty and turns every failure into an *Error; it is the HTTP client the
// vendor packages share. Safe for concurrent use.
type Caller struct {
	rc       *resty.Client
	log      *slog.Logger
	retries  int
	wait     time.Duration
	maxWait  time.Duration
	errBody  func(body []byte, e *Error)
	sleepFor func(attempt int, resp *resty.Response) time.Duration
}

// Call configures one logical call.
type Call struct {
	Op     string                 // Error.Op
	Method string                 // HTTP method
	URL    string                 // absolute or relative to the base URL
	Retry  bool                   // idempotent: retry transport errors, timeouts, 5xx and 429
	Probe  bool                   // a health probe: its failures are logged at debug, not as warnings
	Build  func(r *resty.Request) // headers, query, body
}

// NewCaller builds a Caller with o's defaults filled in.
func NewCaller(o CallerOptions) *Caller {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Upstream != "" {
		log = log.With(slog.String("upstream", o.Upstream))
	}
	rc := resty.New().
		SetBaseURL(strings.TrimRight(o.BaseURL, "/")).
		SetTimeout(orDuration(o.Timeout, DefaultTimeout)).
		SetDisableWarn(true).
		SetLogger(nopLogger{}).
		SetResponseBodyLimit(maxBodyBytes).
		SetRedirectPolicy(resty.FlexibleRedirectPolicy(5)).
		SetHeader("Accept", "application/json")
	return &Caller{rc: rc, log: log, retries: max(o.Retries, 0), wait: orDuration(o.RetryWait, DefaultRetryWait),
		maxWait: orDuration(o.RetryMaxWait, DefaultRetryMaxWait), errBody: o.ErrBody}
}

// Resty is the underlying client, for settings every call shares (headers, auth).
func (c *Caller) Resty() *resty.Client { return c.rc }

// Logger is the caller's logger (tagged with the upstream).
func (c *Caller) Logger() *slog.Logger { return c.log }

// Close releases idle connections.
func (c *Caller) Close() error {
	c.rc.GetClient().CloseIdleConnections()
	return nil
}

// SetSleep replaces the backoff between retries (tests).
func (c *Caller) SetSleep(f func(attempt int, resp *resty.Response) time.Duration) { c.sleepFor = f }

func orDuration(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// Do runs the call, retrying when allowed; a nil error means a 2xx answer whose body is in the response.
func (c *Caller) Do(ctx context.Context, o Call) (*resty.Response, *Error) {
	retries := 0
	if o.Retry && c.retries > 0 {
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
			e.Reached = ReachMaybe
		}
		if attempt >= retries || !retryable(ctx, e) {
			level := slog.LevelWarn
			if o.Probe {
				level = slog.LevelDebug
			}
			c.log.LogAttrs(ctx, level, "upstream call failed", slog.String("op", o.Op),
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
			ce := ctxError(ctx, o.Op)
			if anySent {
				ce.Reached = ReachMaybe
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
func (c *Caller) backoff(attempt int, resp *resty.Response) time.Duration {
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
func (c *Caller) attempt(ctx context.Context, o Call, n int) (*resty.Response, *Error) {
	var gotConn atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }}
	r := c.rc.R().SetContext(httptrace.WithClientTrace(ctx, trace))
	if o.Build != nil {
		o.Build(r)
	}
	start := time.Now()
	resp, err := r.Execute(o.Method, o.URL)
	status := 0
	if resp != nil && resp.RawResponse != nil {
		status = resp.StatusCode()
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "upstream attempt", slog.String("op", o.Op),
		slog.String("method", o.Method), slog.Int("attempt", n+1), slog.Int("status", status),
		slog.Duration("took", time.Since(start)))
	if err != nil {
		return resp, transportError(ctx, o.Op, err, status, gotConn.Load())
	}
	if status >= 200 && status < 300 {
		return resp, nil
	}
	return resp, c.statusError(o.Op, status, resp.Body())
}

// statusError maps a non-2xx answer.
func (c *Caller) statusError(op string, status int, body []byte) *Error {
	e := &Error{Op: op, Status: status}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind, e.Reached = KindAuth, ReachNo
	case status == http.StatusNotFound:
		e.Kind, e.Reached = KindNotFound, ReachNo
	case status == http.StatusRequestTimeout:
		e.Kind, e.Reached = KindTimeout, ReachNo
	case status == http.StatusTooManyRequests:
		e.Kind, e.Reached = KindServer, ReachNo
	case status >= 400 && status < 500:
		e.Kind, e.Reached = KindBadRequest, ReachNo
	case status >= 500:
		e.Kind, e.Reached = KindServer, ReachMaybe
	default: // 1xx/3xx left unresolved
		e.Kind, e.Reached = KindOther, ReachMaybe
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
			e.Reached = ReachMaybe
		}
		return e
	}
	// Strip *url.Error: its text repeats the URL, and the TOTVS token URL carries the password.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	e := &Error{Op: op, Status: status, Err: err, Reached: ReachNo}
	if gotConn {
		e.Reached = ReachMaybe
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

// ContextError maps the end of the caller's context into an *Error of op.
func ContextError(ctx context.Context, op string) *Error { return ctxError(ctx, op) }

// ctxError maps the caller's context ending.
func ctxError(ctx context.Context, op string) *Error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Op: op, Err: err, Reached: ReachNo}
	}
	return &Error{Kind: KindCanceled, Op: op, Err: err, Reached: ReachNo}
}

// nopLogger silences resty's own logger (it would print to stderr, over the console, and may echo URLs).
type nopLogger struct{}

func (nopLogger) Errorf(string, ...any) {}
func (nopLogger) Warnf(string, ...any)  {}
func (nopLogger) Debugf(string, ...any) {}

// DecodeJSON decodes one JSON value, keeping numbers in interfaces as json.Number.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	return d.Decode(v)
}

// Excerpt is a short, single-line piece of a non-JSON body for error details (proxy pages, stack traces).
func Excerpt(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" || s[0] == '{' || s[0] == '[' {
		return "" // JSON bodies may carry personal data; their fields are read elsewhere
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ToValidUTF8(s, "")
}

// Malformed is the error of a 2xx answer whose body cannot be read, logged without its content.
func (c *Caller) Malformed(ctx context.Context, op string, resp *resty.Response, err error) *Error {
	c.log.LogAttrs(ctx, slog.LevelWarn, "upstream answer unreadable", slog.String("op", op),
		slog.Int("status", resp.StatusCode()), slog.Int("bytes", len(resp.Body())), slog.String("err", err.Error()))
	return &Error{Kind: KindMalformed, Op: op, Status: resp.StatusCode(), Err: err, Detail: Excerpt(resp.Body()),
		Reached: ReachMaybe}
}
