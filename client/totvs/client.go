// Package totvs is the client of TOTVS Saúde Planos (Protheus REST, the beneficiaryPosition API): Basic or OAuth2
// bearer auth, the tenantId header, pagination, the vendor's error model, and the conversion of its answers
// (Protheus columns, SX3 pictures and combo boxes) into balcão's model types. Nothing outside this package sees
// a Protheus column name.
package totvs

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"log/slog"

	"github.com/go-resty/resty/v2"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

const positionPath = "/totvsHealthPlans/v1/beneficiaryPosition/"

// Defaults applied when an option is zero.
const (
	DefaultPageSize = 20 // pageSize asked of collections
	DefaultMaxPages = 20 // page cap per collection
)

// Options configure the TOTVS client; zero values take the package defaults.
type Options struct {
	BaseURL      string // up to and including /rest, e.g. https://host:8080/rest
	User         string
	Password     string
	OAuth2       bool   // bearer via the password grant; false means Basic auth
	TenantID     string // optional "empresa,filial" sent as the tenantId header
	Timeout      time.Duration
	Retries      int // extra attempts for GETs and the token call; 0 means none (see client.DefaultRetries)
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	PageSize     int
	MaxPages     int              // page cap per collection; beyond it the pages read so far are returned with More set
	Clock        func() time.Time // when tokens expire; nil means time.Now
	Logger       *slog.Logger
}

// Client is a client of the TOTVS beneficiaryPosition API; safe for concurrent use.
type Client struct {
	call     *client.Caller
	tokens   *tokenSource // nil with Basic auth
	pageSize int
	maxPages int
	log      *slog.Logger
}

// New builds a TOTVS client.
func New(o Options) *Client {
	call := client.NewCaller(client.CallerOptions{BaseURL: o.BaseURL, Timeout: o.Timeout, Retries: o.Retries,
		RetryWait: o.RetryWait, RetryMaxWait: o.RetryMaxWait, Logger: o.Logger, Upstream: "totvs", ErrBody: errorBody})
	rc := call.Resty()
	if o.TenantID != "" {
		rc.SetHeader("tenantId", o.TenantID)
	}
	c := &Client{call: call, pageSize: o.PageSize, maxPages: o.MaxPages, log: call.Logger()}
	if c.pageSize <= 0 {
		c.pageSize = DefaultPageSize
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if o.OAuth2 {
		now := o.Clock
		if now == nil {
			now = time.Now
		}
		c.tokens = &tokenSource{call: call, user: o.User, pass: o.Password, now: now, log: c.log}
	} else {
		rc.SetBasicAuth(o.User, o.Password)
	}
	return c
}

// Close releases idle connections.
func (c *Client) Close() error { return c.call.Close() }

// Contract returns the beneficiary's contract: its main facts and every field in titled sections.
func (c *Client) Contract(ctx context.Context, card string) (*model.Contract, error) {
	var out Contract
	if err := c.getOne(ctx, "contract", card, &out); err != nil {
		return nil, err
	}
	return out.Model(), nil
}

// Family returns the beneficiaries of the card's family.
func (c *Client) Family(ctx context.Context, card string) (*model.Family, error) {
	var out Family
	if err := c.getOne(ctx, "familyBeneficiaries", card, &out); err != nil {
		return nil, err
	}
	return out.Model(), nil
}

// GraceClasses returns the grace periods by class, all pages merged (up to MaxPages).
func (c *Client) GraceClasses(ctx context.Context, card string) (*model.GraceClasses, error) {
	out := &GracePeriodClasses{}
	err := c.getPages(ctx, "gracePeriodClass", card, func(body []byte, first bool) (Page, int, error) {
		var p GracePeriodClasses
		if err := client.DecodeJSON(body, &p); err != nil {
			return Page{}, 0, err
		}
		if first {
			out.BeneficiaryTransfer = p.BeneficiaryTransfer
		}
		out.Items = append(out.Items, p.Items...)
		out.Page = p.Page
		return p.Page, len(p.Items), nil
	})
	if err != nil {
		return nil, err
	}
	return out.Model(), nil
}

// GraceGroups returns the grace periods by group, all pages merged (up to MaxPages).
func (c *Client) GraceGroups(ctx context.Context, card string) (*model.GraceGroups, error) {
	out := &GracePeriodGroups{}
	err := c.getPages(ctx, "gracePeriodGroup", card, func(body []byte, _ bool) (Page, int, error) {
		var p GracePeriodGroups
		if err := client.DecodeJSON(body, &p); err != nil {
			return Page{}, 0, err
		}
		out.Items = append(out.Items, p.Items...)
		out.Page = p.Page
		return p.Page, len(p.Items), nil
	})
	if err != nil {
		return nil, err
	}
	return out.Model(), nil
}

// Ping checks that TOTVS answers and accepts the credentials (with OAuth2 it makes sure a token is held).
// Any answer below 500 other than 401/403 counts as healthy; no retries.
func (c *Client) Ping(ctx context.Context) error {
	const op = "totvs ping"
	auth, e := c.authorization(ctx)
	if e != nil {
		return e
	}
	_, e = c.call.Do(ctx, client.Call{Op: op, Method: http.MethodHead, Probe: true, URL: strings.TrimSuffix(positionPath, "/"),
		Build: func(r *resty.Request) { r.SetHeader("Content-Type", "application/json"); setAuth(r, auth) }})
	if e == nil || e.Kind == client.KindNotFound || e.Kind == client.KindBadRequest {
		return nil
	}
	if e.Kind == client.KindAuth && c.tokens != nil && e.Status == http.StatusUnauthorized {
		c.tokens.invalidate(auth)
	}
	return e
}

// getOne fetches one entity of the card and decodes it into out.
func (c *Client) getOne(ctx context.Context, what, card string, out any) error {
	op := "totvs " + what + " " + model.MaskTerm(card) // op lands in logs and errors: never the whole card
	path, e := cardPath(op, card, what)
	if e != nil {
		return e
	}
	resp, e := c.get(ctx, op, path, nil)
	if e != nil {
		return e
	}
	if err := client.DecodeJSON(resp.Body(), out); err != nil {
		return c.call.Malformed(ctx, op, resp, err)
	}
	return nil
}

// getPages follows hasNext with page/pageSize; add consumes one page's body.
func (c *Client) getPages(ctx context.Context, what, card string, add func(body []byte, first bool) (Page, int, error)) error {
	op := "totvs " + what + " " + model.MaskTerm(card) // op lands in logs and errors: never the whole card
	path, e := cardPath(op, card, what)
	if e != nil {
		return e
	}
	for page := 1; ; page++ {
		q := map[string]string{"page": strconv.Itoa(page), "pageSize": strconv.Itoa(c.pageSize)}
		resp, e := c.get(ctx, op, path, q)
		if e != nil {
			return e
		}
		pg, n, err := add(resp.Body(), page == 1)
		if err != nil {
			return c.call.Malformed(ctx, op, resp, err)
		}
		if !pg.HasNext || n == 0 {
			return nil // n == 0 with hasNext: the server would loop forever, stop here
		}
		if page >= c.maxPages {
			c.log.LogAttrs(ctx, slog.LevelWarn, "totvs page cap reached, returning partial collection",
				slog.String("op", op), slog.Int("pages", page), slog.Int("remaining", pg.RemainingRecords))
			return nil
		}
	}
}

// get sends an authenticated GET; with OAuth2 a 401 renews the token once and repeats the call once.
func (c *Client) get(ctx context.Context, op, path string, query map[string]string) (*resty.Response, *client.Error) {
	for try := 0; ; try++ {
		auth, e := c.authorization(ctx)
		if e != nil {
			return nil, e
		}
		resp, e := c.call.Do(ctx, client.Call{Op: op, Method: http.MethodGet, URL: path, Retry: true,
			Build: func(r *resty.Request) {
				r.SetHeader("Content-Type", "application/json") // the vendor marks it required, even on GETs
				setAuth(r, auth)
				if query != nil {
					r.SetQueryParams(query)
				}
			}})
		if e != nil && c.tokens != nil && e.Status == http.StatusUnauthorized && try == 0 {
			c.log.LogAttrs(ctx, slog.LevelInfo, "totvs rejected the token, renewing once", slog.String("op", op))
			c.tokens.invalidate(auth)
			continue
		}
		return resp, e
	}
}

// authorization returns the bearer token with OAuth2, "" with Basic (set on the client).
func (c *Client) authorization(ctx context.Context) (string, *client.Error) {
	if c.tokens == nil {
		return "", nil
	}
	return c.tokens.token(ctx)
}

func setAuth(r *resty.Request, bearer string) {
	if bearer != "" {
		r.SetHeader("Authorization", "Bearer "+bearer)
	}
}

// cardPath builds …/beneficiaryPosition/{card}/{what}. A card that is not 17 digits (written with or without
// separators) fails before sending, in pt-BR: the vendor's path takes the 17-digit subscriberId.
func cardPath(op, card, what string) (string, *client.Error) {
	card = strings.TrimSpace(card)
	if card == "" {
		return "", &client.Error{Kind: client.KindBadRequest, Op: op, Message: i18n.ClientMissingKey, Reached: client.ReachNo}
	}
	n, ok := model.NormalizeCard(card)
	if !ok {
		d, digitsOnly := model.DocumentDigits(card)
		msg := i18n.ClientCardNotDigits
		if digitsOnly {
			msg = i18n.ClientCardLength(len(d), model.CardLen)
		}
		return "", &client.Error{Kind: client.KindBadRequest, Op: op, Message: msg, Advice: msg, Reached: client.ReachNo}
	}
	return positionPath + n + "/" + what, nil
}

// errorBody reads the TOTVS error model; E001 means not found whatever the status.
func errorBody(body []byte, e *client.Error) {
	var te ErrorModel
	if json.Unmarshal(body, &te) != nil || (te.Code == "" && te.Message == "") {
		e.Detail = client.Excerpt(body)
		return
	}
	e.Code, e.Message, e.Detail = te.Code, te.Message, te.DetailedMessage
	if strings.EqualFold(te.Code, NotFoundCode) {
		e.Kind = client.KindNotFound
	}
}
