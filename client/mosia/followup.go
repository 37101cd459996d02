package mosia

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-resty/resty/v2"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Operation names of the follow-up endpoints (the first word names the service in errors).
const (
	opDetail   = "mosia detalheOcorrencia"
	opNote     = "mosia anotacao"
	opStatus   = "mosia alterarStatus"
	opActivate = "mosia ativarRascunho"
	maxDigits  = 30 // the longest protocol accepted (the vendor's are 19 to 21 digits)
)

// protocolPath is /clientes/ocorrencias/{protocolo}{suffix}; a protocol that is not digits fails before sending.
func protocolPath(op, protocol, suffix string) (string, *client.Error) {
	p := strings.TrimSpace(protocol)
	if p == "" || len(p) > maxDigits || model.Digits(p) != p {
		return "", &client.Error{Kind: client.KindBadRequest, Op: op, Message: i18n.ClientBadProtocol,
			Advice: i18n.ClientBadProtocolAdvice, Reached: client.ReachNo}
	}
	return pathCreate + "/" + url.PathEscape(p) + suffix, nil
}

// Detail returns one occurrence as Mosia details it (GET /clientes/ocorrencias/{protocolo}; retried like every GET).
func (c *Client) Detail(ctx context.Context, protocol string) (*model.ProtocolDetail, error) {
	path, e := protocolPath(opDetail, protocol, "")
	if e != nil {
		return nil, e
	}
	resp, e := c.call.Do(ctx, client.Call{Op: opDetail, Method: http.MethodGet, URL: path, Retry: true})
	if e != nil {
		if e.Kind == client.KindNotFound {
			e.Advice = i18n.ClientProtocolNotFound(strings.TrimSpace(protocol), e.Message)
		}
		return nil, e
	}
	env, e := c.envelope(ctx, opDetail, resp)
	if e != nil {
		return nil, e
	}
	var d Detail
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || string(data) == "null" {
		return nil, c.call.Malformed(ctx, opDetail, resp, fmt.Errorf("detail without data"))
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, c.call.Malformed(ctx, opDetail, resp, err)
	}
	if d.Ocorrencia.Protocolo == "" { // a webhook-shaped body: {"_id", "body": {…}}
		var w struct {
			Body Detail `json:"body"`
		}
		if json.Unmarshal(data, &w) == nil && w.Body.Ocorrencia.Protocolo != "" {
			d = w.Body
		}
	}
	out := d.Model()
	if out.Number == "" {
		out.Number = strings.TrimSpace(protocol)
	}
	return out, nil
}

// AddNote adds a note to the protocol (POST …/{protocolo}/anotacao), public or private, signed with the
// attendant's idAtendente. Sent once, never retried here: check client.Error.Sent before resending.
func (c *Client) AddNote(ctx context.Context, f model.FollowUp) error {
	if f.Note == nil {
		return checkError(opNote, model.ErrFollowUp)
	}
	if err := f.Check(); err != nil {
		return checkError(opNote, err)
	}
	req := NoteRequest{Publica: f.Note.Public, Mensagem: f.Note.Text, IDAtendente: f.AttendantID,
		ChaveUnicaSolicitante: strings.TrimSpace(f.Requester)}
	return c.write(ctx, opNote, http.MethodPost, f.Protocol, "/anotacao", req)
}

// ChangeStatus changes the protocol's status (PUT …/{protocolo}/status), with the outcome text and closing reason
// when given. Sent once, never retried here.
func (c *Client) ChangeStatus(ctx context.Context, f model.FollowUp) error {
	if f.Status == nil {
		return checkError(opStatus, model.ErrFollowUp)
	}
	if err := f.Check(); err != nil {
		return checkError(opStatus, err)
	}
	s := f.Status
	req := StatusRequest{IDNovoStatus: s.StatusID, IDMotivoEncerramento: s.ReasonID, IDAtendente: f.AttendantID,
		ChaveUnicaSolicitante: strings.TrimSpace(f.Requester), TextoDesfecho: strings.TrimSpace(s.Outcome)}
	return c.write(ctx, opStatus, http.MethodPut, f.Protocol, "/status", req)
}

// Activate activates a draft protocol (PUT …/{protocolo}/ativar, body {}). Sent once, never retried here.
func (c *Client) Activate(ctx context.Context, f model.FollowUp) error {
	if err := f.Check(); err != nil {
		return checkError(opActivate, err)
	}
	return c.write(ctx, opActivate, http.MethodPut, f.Protocol, "/ativar", struct{}{})
}

// Apply sends a follow-up of any kind (the outbox's entry point).
func (c *Client) Apply(ctx context.Context, f model.FollowUp) error {
	switch f.Kind() {
	case model.FollowUpNote:
		return c.AddNote(ctx, f)
	case model.FollowUpStatus:
		return c.ChangeStatus(ctx, f)
	case model.FollowUpActivate:
		return c.Activate(ctx, f)
	}
	return checkError("mosia acompanhamento", f.Check())
}

// checkError is the error of a follow-up refused before sending.
func checkError(op string, err error) *client.Error {
	msg := i18n.FollowUpNoAction
	if err != nil {
		msg = err.Error()
	}
	return &client.Error{Kind: client.KindBadRequest, Op: op, Message: msg, Advice: msg, Reached: client.ReachNo, Err: err}
}

// write sends one change (never retried) and reads the answer: a 2xx with an empty body, or any JSON body but a
// refusal, is done; status:false is a refusal with Mosia's message; a 2xx that is not JSON may or may not have
// been applied (KindMalformed, Sent).
func (c *Client) write(ctx context.Context, op, method, protocol, suffix string, body any) error {
	path, e := protocolPath(op, protocol, suffix)
	if e != nil {
		return e
	}
	b, err := json.Marshal(body)
	if err != nil {
		return &client.Error{Kind: client.KindOther, Op: op, Err: err, Reached: client.ReachNo}
	}
	resp, e := c.call.Do(ctx, client.Call{Op: op, Method: method, URL: path, Retry: false,
		Build: func(r *resty.Request) { r.SetHeader("Content-Type", "application/json").SetBody(b) }})
	if e != nil {
		if e.Kind == client.KindNotFound {
			e.Advice = i18n.ClientProtocolNotFound(strings.TrimSpace(protocol), e.Message)
		} else if e.Sent() {
			e.Advice = i18n.ClientMaybeApplied(e.Service())
		}
		return e
	}
	if len(bytes.TrimSpace(resp.Body())) == 0 {
		return nil
	}
	if _, e := c.envelope(ctx, op, resp); e != nil {
		return e
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "mosia change applied", slog.String("op", op),
		slog.String("body", maskedBody(resp.Body())))
	return nil
}
