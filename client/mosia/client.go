// Package mosia is the client of Mosia Omnichannel's "Api clientes" occurrence endpoints — latest protocols, an
// occurrence's detail, creation, notes, status changes and draft activation: the raw client token, the vendor's
// envelope (status as a boolean or a string, its text in message or mensagem), the tolerant reading of a new
// occurrence's protocol, and the conversion between balcão's model types and the vendor's request and answer
// shapes. Calls that change something are sent once and never retried here (the outbox decides).
package mosia

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

	"github.com/balcao/balcao/client"
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

// Options configure the Mosia Omnichannel client; zero values take the package defaults.
type Options struct {
	BaseURL      string // e.g. https://api.mosiaomnichannel.com.br
	Token        string // the raw "token do cliente", sent as Authorization without a scheme
	Timeout      time.Duration
	Retries      int // extra attempts for GETs; a POST is never retried; 0 means none (see client.DefaultRetries)
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	Logger       *slog.Logger
}

// Client is a client of Mosia's "Api clientes" occurrence endpoints; safe for concurrent use.
type Client struct {
	call *client.Caller
	log  *slog.Logger
	now  func() time.Time
}

// New builds a Mosia client.
func New(o Options) *Client {
	call := client.NewCaller(client.CallerOptions{BaseURL: o.BaseURL, Timeout: o.Timeout, Retries: o.Retries,
		RetryWait: o.RetryWait, RetryMaxWait: o.RetryMaxWait, Logger: o.Logger, Upstream: "mosia", ErrBody: errorBody})
	call.Resty().SetHeader("Authorization", o.Token)
	return &Client{call: call, log: call.Logger(), now: time.Now}
}

// Close releases idle connections.
func (c *Client) Close() error { return c.call.Close() }

// LatestProtocols returns up to n (1..10) latest protocols of the beneficiary, in Mosia's order (newest first).
func (c *Client) LatestProtocols(ctx context.Context, chaveUnica string, n int) ([]model.Protocol, error) {
	ps, e := c.latest(ctx, chaveUnica, n)
	if e != nil {
		return nil, e
	}
	out := make([]model.Protocol, len(ps))
	for i, p := range ps {
		out[i] = p.Model()
	}
	return out, nil
}

func (c *Client) latest(ctx context.Context, chaveUnica string, n int) ([]Protocol, *client.Error) {
	chaveUnica = strings.TrimSpace(chaveUnica)
	if n < 1 || n > MaxProtocols {
		return nil, &client.Error{Kind: client.KindBadRequest, Op: opLatest, Message: i18n.ClientTotalProtocolosRange,
			Reached: client.ReachNo, Detail: "totalProtocolos=" + strconv.Itoa(n)}
	}
	if chaveUnica == "" {
		return nil, &client.Error{Kind: client.KindBadRequest, Op: opLatest, Message: i18n.ClientMissingKey, Reached: client.ReachNo}
	}
	resp, e := c.call.Do(ctx, client.Call{Op: opLatest, Method: http.MethodGet, URL: pathLatest, Retry: true,
		Build: func(r *resty.Request) {
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
		return nil, c.call.Malformed(ctx, opLatest, resp, err)
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "mosia protocols listed",
		slog.String("chaveUnica", maskKey(chaveUnica)), slog.Int("n", len(ps)))
	return ps, nil
}

// CreateOccurrence opens an occurrence and returns its protocol. It is sent once (never retried here); when the
// answer does not carry the protocol, the newest protocol of the requester (then the beneficiary) is taken,
// provided it was registered at most 10 minutes before the call. Check client.Error.Sent before resending.
func (c *Client) CreateOccurrence(ctx context.Context, o model.Occurrence) (string, error) {
	p, e := c.create(ctx, requestOf(o))
	if e != nil {
		return "", e
	}
	return p, nil
}

func (c *Client) create(ctx context.Context, req OccurrenceRequest) (string, *client.Error) {
	p, e := c.post(ctx, req)
	if e != nil {
		switch {
		case e.Kind == client.KindMalformed && e.Status >= 200 && e.Status < 300:
			e.Advice = i18n.ClientNoProtocol(e.Service())
		case e.Sent() && e.Kind != client.KindMalformed:
			e.Advice = i18n.ClientMaybeCreated(e.Service())
		}
	}
	return p, e
}

func (c *Client) post(ctx context.Context, req OccurrenceRequest) (string, *client.Error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", &client.Error{Kind: client.KindOther, Op: opCreate, Err: err, Reached: client.ReachNo}
	}
	start := c.now()
	resp, e := c.call.Do(ctx, client.Call{Op: opCreate, Method: http.MethodPost, URL: pathCreate, Retry: false,
		Build: func(r *resty.Request) {
			r.SetHeader("Content-Type", "application/json").SetBody(body)
		}})
	if e != nil {
		return "", e
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "mosia occurrence answer", slog.Int("status", resp.StatusCode()),
		slog.String("body", maskedBody(resp.Body())))
	env, e := c.envelope(ctx, opCreate, resp)
	if e != nil && e.Kind != client.KindMalformed {
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
	return "", &client.Error{Kind: client.KindMalformed, Op: opCreate, Status: resp.StatusCode(), Reached: client.ReachMaybe,
		Err: errors.New("occurrence accepted but no protocol in the answer nor in ultimosProtocolos")}
}

// Ping checks that Mosia answers and accepts the token: any answer below 500 other than 401/403 is healthy.
func (c *Client) Ping(ctx context.Context) error {
	_, e := c.call.Do(ctx, client.Call{Op: "mosia ping", Method: http.MethodHead, Probe: true, URL: pathLatest})
	if e == nil || e.Kind == client.KindNotFound || e.Kind == client.KindBadRequest {
		return nil
	}
	return e
}

// mosiaEnvelope is Mosia's envelope read tolerantly (status as bool or string; data and message in any shape).
type mosiaEnvelope struct {
	Status   json.RawMessage `json:"status"`
	Data     json.RawMessage `json:"data"`
	Message  json.RawMessage `json:"message"`
	Mensagem json.RawMessage `json:"mensagem"` // the operator-side failure shape ({"status":"false","mensagem":…})
	raw      any             // the whole answer, numbers as json.Number
}

// envelope decodes a 2xx answer and turns status:false into a KindBadRequest error with Mosia's message.
func (c *Client) envelope(ctx context.Context, op string, resp *resty.Response) (*mosiaEnvelope, *client.Error) {
	var env mosiaEnvelope
	body := resp.Body()
	if err := client.DecodeJSON(body, &env.raw); err != nil {
		return nil, c.call.Malformed(ctx, op, resp, err)
	}
	if _, isObject := env.raw.(map[string]any); isObject {
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, c.call.Malformed(ctx, op, resp, err)
		}
	} else {
		env.Data = body // a bare list or value: take it as the data
	}
	if ok, known := flexBool(env.Status); known && !ok {
		msg := text(env.Message)
		if msg == "" {
			msg = text(env.Mensagem)
		}
		return nil, &client.Error{Kind: client.KindBadRequest, Op: op, Status: resp.StatusCode(), Message: msg,
			Reached: client.ReachNo}
	}
	return &env, nil
}

// text returns a JSON string's value, a number's digits, or "" for anything else.
func text(raw json.RawMessage) string {
	var f client.FlexString
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return ""
	}
	s := strings.TrimSpace(f.String())
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") || s == "true" || s == "false" {
		return ""
	}
	return s
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
func decodeProtocols(data json.RawMessage) ([]Protocol, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return []Protocol{}, nil
	}
	if data[0] == '{' {
		var p Protocol
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, err
		}
		return []Protocol{p}, nil
	}
	var ps []Protocol
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// errorBody reads Mosia's envelope (message) from an error answer.
func errorBody(body []byte, e *client.Error) {
	var env struct {
		Message json.RawMessage `json:"message"`
		Msg     json.RawMessage `json:"mensagem"`
	}
	if json.Unmarshal(body, &env) != nil {
		e.Detail = client.Excerpt(body)
		return
	}
	e.Message = text(env.Message)
	if e.Message == "" {
		e.Message = text(env.Msg)
	}
}

// fallbackKeys are the chaveUnica values to ask ultimosProtocolos: the requester's, then the beneficiary's.
func fallbackKeys(req OccurrenceRequest) []string {
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
func newestSince(ps []Protocol, since time.Time) (string, bool) {
	best, bestAt := "", time.Time{}
	for _, p := range ps {
		at, prec := RegistrationTime(p.DataRegistro.String())
		if p.Protocolo == "" || prec != model.Exact {
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
