package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

const (
	pathLatest = "/clientes/ocorrencias/ultimosProtocolos"
	pathCreate = "/clientes/ocorrencias"
	opLatest   = "mosia ultimosProtocolos"
	opCreate   = "mosia criarOcorrencia"
	// MaxProtocols is the most protocols ultimosProtocolos returns (its totalProtocolos range is 1..10).
	MaxProtocols = 10
	// fallbackWindow is how far before the POST a protocol found by the fallback may have been registered.
	fallbackWindow = 10 * time.Minute
)

// MosiaOptions configure the Mosia Omnichannel client; zero values take the package defaults.
type MosiaOptions struct {
	BaseURL      string // e.g. https://api.mosiaomnichannel.com.br
	Token        string // the raw "token do cliente", sent as Authorization without a scheme
	Timeout      time.Duration
	Retries      int // extra attempts for GETs; a POST is never retried; 0 means none (see DefaultRetries)
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	Logger       *slog.Logger
}

// Mosia is a client of Mosia's "Api clientes" occurrence endpoints; safe for concurrent use.
type Mosia struct {
	call *caller
	log  *slog.Logger
	now  func() time.Time
}

// NewMosia builds a Mosia client.
func NewMosia(o MosiaOptions) *Mosia {
	log := orLogger(o.Logger).With(slog.String("upstream", "mosia"))
	rc := newResty(strings.TrimRight(o.BaseURL, "/"), orDuration(o.Timeout, DefaultTimeout)).
		SetHeader("Authorization", o.Token)
	return &Mosia{
		call: &caller{
			rc: rc, log: log, retries: max(o.Retries, 0),
			wait:    orDuration(o.RetryWait, DefaultRetryWait),
			maxWait: orDuration(o.RetryMaxWait, DefaultRetryMaxWait),
			errBody: mosiaErrorBody,
		},
		log: log,
		now: time.Now,
	}
}

// Close releases idle connections.
func (c *Mosia) Close() error {
	c.call.rc.GetClient().CloseIdleConnections()
	return nil
}

// LatestProtocols returns up to n (1..10) latest protocols of the beneficiary, in Mosia's order (newest first).
func (c *Mosia) LatestProtocols(ctx context.Context, chaveUnica string, n int) ([]model.Protocol, error) {
	ps, e := c.latest(ctx, chaveUnica, n)
	if e != nil {
		return nil, e
	}
	return ps, nil
}

func (c *Mosia) latest(ctx context.Context, chaveUnica string, n int) ([]model.Protocol, *Error) {
	chaveUnica = strings.TrimSpace(chaveUnica)
	if n < 1 || n > MaxProtocols {
		return nil, &Error{Kind: KindBadRequest, Op: opLatest, Message: i18n.ClientTotalProtocolosRange, sent: sentNo,
			Detail: "totalProtocolos=" + strconv.Itoa(n)}
	}
	if chaveUnica == "" {
		return nil, &Error{Kind: KindBadRequest, Op: opLatest, Message: i18n.ClientMissingKey, sent: sentNo}
	}
	resp, e := c.call.do(ctx, callOpts{op: opLatest, method: http.MethodGet, url: pathLatest, retry: true,
		build: func(r *resty.Request) {
			r.SetHeaderVerbatim("chaveUnica", chaveUnica)
			r.SetHeaderVerbatim("totalProtocolos", strconv.Itoa(n))
		}})
	if e != nil {
		return nil, e
	}
	env, e := c.envelope(ctx, opLatest, resp)
	if e != nil {
		return nil, e
	}
	ps, err := decodeProtocols(env.Data)
	if err != nil {
		return nil, c.malformed(ctx, opLatest, resp, err)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "mosia protocols listed",
		slog.String("chaveUnica", maskKey(chaveUnica)), slog.Int("n", len(ps)))
	return ps, nil
}

// CreateOccurrence opens an occurrence and returns its protocol. It is sent once (never retried here); when the
// answer does not carry the protocol, the newest protocol of the requester (then the beneficiary) is taken,
// provided it was registered at most 10 minutes before the call. Check Error.Sent before resending.
func (c *Mosia) CreateOccurrence(ctx context.Context, req model.OccurrenceRequest) (string, error) {
	p, e := c.create(ctx, req)
	if e != nil {
		return "", e
	}
	return p, nil
}

func (c *Mosia) create(ctx context.Context, req model.OccurrenceRequest) (string, *Error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", &Error{Kind: KindOther, Op: opCreate, Err: err, sent: sentNo}
	}
	start := c.now()
	resp, e := c.call.do(ctx, callOpts{op: opCreate, method: http.MethodPost, url: pathCreate, retry: false,
		build: func(r *resty.Request) {
			r.SetHeader("Content-Type", "application/json").SetBody(body)
		}})
	if e != nil {
		return "", e
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "mosia occurrence answer", slog.Int("status", resp.StatusCode()),
		slog.String("body", maskedBody(resp.Body())))
	env, e := c.envelope(ctx, opCreate, resp)
	if e != nil && e.Kind != KindMalformed {
		return "", e // status:false: refused, nothing created
	}
	if e == nil {
		if p := extractProtocol(env.raw); p != "" {
			return p, nil
		}
	}
	// A 2xx without a readable protocol: the occurrence was most likely created, so never fail before asking.
	c.log.LogAttrs(ctx, slog.LevelWarn, "mosia occurrence answer has no protocol, asking ultimosProtocolos")
	for _, key := range fallbackKeys(req) {
		ps, fe := c.latest(ctx, key, 1)
		if fe != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "mosia protocol fallback failed",
				slog.String("chaveUnica", maskKey(key)), slog.String("kind", fe.Kind.String()))
			continue
		}
		if p, ok := newestSince(ps, start.Add(-fallbackWindow)); ok {
			return p, nil
		}
	}
	if e != nil {
		return "", e
	}
	return "", &Error{Kind: KindMalformed, Op: opCreate, Status: resp.StatusCode(), sent: sentYes,
		Err: errors.New("occurrence accepted but no protocol in the answer nor in ultimosProtocolos")}
}

// Ping checks that Mosia answers and accepts the token: any answer below 500 other than 401/403 is healthy.
func (c *Mosia) Ping(ctx context.Context) error {
	_, e := c.call.do(ctx, callOpts{op: "mosia ping", method: http.MethodHead, probe: true, url: pathLatest})
	if e == nil || e.Kind == KindNotFound || e.Kind == KindBadRequest {
		return nil
	}
	return e
}

// mosiaEnvelope is Mosia's envelope read tolerantly (status as bool or string; data and message in any shape).
type mosiaEnvelope struct {
	Status  json.RawMessage `json:"status"`
	Data    json.RawMessage `json:"data"`
	Message json.RawMessage `json:"message"`
	raw     any             // the whole answer, numbers as json.Number
}

// envelope decodes a 2xx answer and turns status:false into a KindBadRequest error with Mosia's message.
func (c *Mosia) envelope(ctx context.Context, op string, resp *resty.Response) (*mosiaEnvelope, *Error) {
	var env mosiaEnvelope
	body := resp.Body()
	if err := decodeJSON(body, &env.raw); err != nil {
		return nil, c.malformed(ctx, op, resp, err)
	}
	if _, isObject := env.raw.(map[string]any); isObject {
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, c.malformed(ctx, op, resp, err)
		}
	} else {
		env.Data = body // a bare list or value: take it as the data
	}
	if ok, known := flexBool(env.Status); known && !ok {
		return nil, &Error{Kind: KindBadRequest, Op: op, Status: resp.StatusCode(), Message: text(env.Message), sent: sentNo}
	}
	return &env, nil
}

// text returns a JSON string's value, a number's digits, or "" for anything else.
func text(raw json.RawMessage) string {
	var f model.FlexString
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return ""
	}
	s := strings.TrimSpace(f.String())
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") || s == "true" || s == "false" {
		return ""
	}
	return s
}

func (c *Mosia) malformed(ctx context.Context, op string, resp *resty.Response, err error) *Error {
	c.log.LogAttrs(ctx, slog.LevelWarn, "mosia answer unreadable", slog.String("op", op),
		slog.Int("status", resp.StatusCode()), slog.Int("bytes", len(resp.Body())), slog.String("err", err.Error()))
	return &Error{Kind: KindMalformed, Op: op, Status: resp.StatusCode(), Err: err, Detail: excerpt(resp.Body()), sent: sentYes}
}

// flexBool reads true/false or "true"/"false"; known is false when absent or anything else.
func flexBool(raw json.RawMessage) (v, known bool) {
	switch strings.ToLower(strings.Trim(string(bytes.TrimSpace(raw)), `"`)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// decodeProtocols reads data as a list (or a single object; null is empty).
func decodeProtocols(data json.RawMessage) ([]model.Protocol, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return []model.Protocol{}, nil
	}
	if data[0] == '{' {
		var p model.Protocol
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, err
		}
		return []model.Protocol{p}, nil
	}
	var ps []model.Protocol
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// mosiaErrorBody reads Mosia's envelope (message) from an error answer.
func mosiaErrorBody(body []byte, e *Error) {
	var env struct {
		Message json.RawMessage `json:"message"`
		Msg     json.RawMessage `json:"mensagem"`
	}
	if json.Unmarshal(body, &env) != nil {
		e.Detail = excerpt(body)
		return
	}
	e.Message = text(env.Message)
	if e.Message == "" {
		e.Message = text(env.Msg)
	}
}

// fallbackKeys are the chaveUnica values to ask ultimosProtocolos: the requester's, then the beneficiary's.
func fallbackKeys(req model.OccurrenceRequest) []string {
	var keys []string
	if k := strings.TrimSpace(req.Solicitante.ChaveUnica); k != "" {
		keys = append(keys, k)
	}
	if req.Beneficiario != nil {
		if k := strings.TrimSpace(req.Beneficiario.ChaveUnica); k != "" && (len(keys) == 0 || keys[0] != k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// newestSince returns the protocol with the latest data_registro, if registered at or after since.
// A protocol whose data_registro cannot be read is never taken: it could be an older occurrence.
func newestSince(ps []model.Protocol, since time.Time) (string, bool) {
	best, bestAt := "", time.Time{}
	for _, p := range ps {
		at, ok := model.ParseTimestamp(p.DataRegistro.String())
		if p.Protocolo == "" || !ok {
			continue
		}
		if best == "" || at.After(bestAt) {
			best, bestAt = p.Protocolo.String(), at
		}
	}
	if best == "" || bestAt.Before(since) {
		return "", false
	}
	return best, true
}

// maskKey hides a chaveUnica for logs (a CPF by default, sometimes an e-mail).
func maskKey(k string) string {
	if strings.Contains(k, "@") {
		return model.MaskEmail(k)
	}
	return model.MaskCPF(k)
}
