package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

const positionPath = "/totvsHealthPlans/v1/beneficiaryPosition/"

// TOTVSOptions configure the TOTVS Saúde Planos client; zero values take the package defaults.
type TOTVSOptions struct {
	BaseURL      string // up to and including /rest, e.g. https://host:8080/rest
	User         string
	Password     string
	OAuth2       bool   // bearer via the password grant; false means Basic auth
	TenantID     string // optional "empresa,filial" sent as the tenantId header
	Timeout      time.Duration
	Retries      int // extra attempts for GETs and the token call; 0 means none (see DefaultRetries)
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	PageSize     int
	MaxPages     int // page cap per collection; beyond it the pages read so far are returned with HasNext true
	Logger       *slog.Logger
}

// TOTVS is a client of the TOTVS beneficiaryPosition API; safe for concurrent use.
type TOTVS struct {
	call     *caller
	tokens   *tokenSource // nil with Basic auth
	pageSize int
	maxPages int
	log      *slog.Logger
}

// NewTOTVS builds a TOTVS client.
func NewTOTVS(o TOTVSOptions) *TOTVS {
	log := orLogger(o.Logger).With(slog.String("upstream", "totvs"))
	rc := newResty(strings.TrimRight(o.BaseURL, "/"), orDuration(o.Timeout, DefaultTimeout)).
		SetHeader("Content-Type", "application/json")
	if o.TenantID != "" {
		rc.SetHeader("tenantId", o.TenantID)
	}
	c := &TOTVS{
		call: &caller{
			rc: rc, log: log, retries: max(o.Retries, 0),
			wait:    orDuration(o.RetryWait, DefaultRetryWait),
			maxWait: orDuration(o.RetryMaxWait, DefaultRetryMaxWait),
			errBody: totvsErrorBody,
		},
		pageSize: o.PageSize,
		maxPages: o.MaxPages,
		log:      log,
	}
	if c.pageSize <= 0 {
		c.pageSize = DefaultPageSize
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if o.OAuth2 {
		c.tokens = &tokenSource{call: c.call, user: o.User, pass: o.Password, now: time.Now, log: log}
	} else {
		rc.SetBasicAuth(o.User, o.Password)
	}
	return c
}

// Close releases idle connections.
func (c *TOTVS) Close() error {
	c.call.rc.GetClient().CloseIdleConnections()
	return nil
}

// Contract returns the beneficiary's contract fields, structure and folders.
func (c *TOTVS) Contract(ctx context.Context, card string) (*model.Contract, error) {
	var out model.Contract
	if err := c.getOne(ctx, "contract", card, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Family returns the beneficiaries of the card's family.
func (c *TOTVS) Family(ctx context.Context, card string) (*model.Family, error) {
	var out model.Family
	if err := c.getOne(ctx, "familyBeneficiaries", card, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GracePeriodClasses returns the grace-period classes, all pages merged (up to MaxPages).
func (c *TOTVS) GracePeriodClasses(ctx context.Context, card string) (*model.GracePeriodClasses, error) {
	out := &model.GracePeriodClasses{}
	err := c.getPages(ctx, "gracePeriodClass", card, func(body []byte, first bool) (model.Page, int, error) {
		var p model.GracePeriodClasses
		if err := decodeJSON(body, &p); err != nil {
			return model.Page{}, 0, err
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
	return out, nil
}

// GracePeriodGroups returns the grace-period groups, all pages merged (up to MaxPages).
func (c *TOTVS) GracePeriodGroups(ctx context.Context, card string) (*model.GracePeriodGroups, error) {
	out := &model.GracePeriodGroups{}
	err := c.getPages(ctx, "gracePeriodGroup", card, func(body []byte, _ bool) (model.Page, int, error) {
		var p model.GracePeriodGroups
		if err := decodeJSON(body, &p); err != nil {
			return model.Page{}, 0, err
		}
		out.Items = append(out.Items, p.Items...)
		out.Page = p.Page
		return p.Page, len(p.Items), nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Ping checks that TOTVS answers and accepts the credentials (with OAuth2 it makes sure a token is held).
// Any answer below 500 other than 401/403 counts as healthy; no retries.
func (c *TOTVS) Ping(ctx context.Context) error {
	const op = "totvs ping"
	auth, e := c.authorization(ctx)
	if e != nil {
		return e
	}
	_, e = c.call.do(ctx, callOpts{op: op, method: http.MethodHead, probe: true, url: strings.TrimSuffix(positionPath, "/"),
		build: func(r *resty.Request) { setAuth(r, auth) }})
	if e == nil || e.Kind == KindNotFound || e.Kind == KindBadRequest {
		return nil
	}
	if e.Kind == KindAuth && c.tokens != nil && e.Status == http.StatusUnauthorized {
		c.tokens.invalidate(auth)
	}
	return e
}

// getOne fetches one entity of the card and decodes it into out.
func (c *TOTVS) getOne(ctx context.Context, what, card string, out any) error {
	op := "totvs " + what + " " + card
	path, e := cardPath(op, card, what)
	if e != nil {
		return e
	}
	resp, e := c.get(ctx, op, path, nil)
	if e != nil {
		return e
	}
	if err := decodeJSON(resp.Body(), out); err != nil {
		return c.malformed(ctx, op, resp, err)
	}
	return nil
}

// getPages follows hasNext with page/pageSize; add consumes one page's body.
func (c *TOTVS) getPages(ctx context.Context, what, card string, add func(body []byte, first bool) (model.Page, int, error)) error {
	op := "totvs " + what + " " + card
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
			return c.malformed(ctx, op, resp, err)
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

func (c *TOTVS) malformed(ctx context.Context, op string, resp *resty.Response, err error) *Error {
	c.log.LogAttrs(ctx, slog.LevelWarn, "totvs answer unreadable", slog.String("op", op),
		slog.Int("status", resp.StatusCode()), slog.Int("bytes", len(resp.Body())), slog.String("err", err.Error()))
	return &Error{Kind: KindMalformed, Op: op, Status: resp.StatusCode(), Err: err, Detail: excerpt(resp.Body())}
}

// get sends an authenticated GET; with OAuth2 a 401 renews the token once and repeats the call once.
func (c *TOTVS) get(ctx context.Context, op, path string, query map[string]string) (*resty.Response, *Error) {
	for try := 0; ; try++ {
		auth, e := c.authorization(ctx)
		if e != nil {
			return nil, e
		}
		resp, e := c.call.do(ctx, callOpts{op: op, method: http.MethodGet, url: path, retry: true,
			build: func(r *resty.Request) {
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
func (c *TOTVS) authorization(ctx context.Context) (string, *Error) {
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

// cardPath builds …/beneficiaryPosition/{card}/{what}; a blank card fails before sending.
func cardPath(op, card, what string) (string, *Error) {
	card = strings.TrimSpace(card)
	if n, ok := model.NormalizeCard(card); ok {
		card = n
	}
	if card == "" {
		return "", &Error{Kind: KindBadRequest, Op: op, Message: i18n.ClientMissingKey, sent: sentNo}
	}
	return positionPath + url.PathEscape(card) + "/" + what, nil
}

// totvsErrorBody reads the TOTVS error model; E001 means not found whatever the status.
func totvsErrorBody(body []byte, e *Error) {
	var te model.TOTVSError
	if json.Unmarshal(body, &te) != nil || (te.Code == "" && te.Message == "") {
		e.Detail = excerpt(body)
		return
	}
	e.Code, e.Message, e.Detail = te.Code, te.Message, te.DetailedMessage
	if strings.EqualFold(te.Code, model.TOTVSNotFoundCode) {
		e.Kind = KindNotFound
	}
}

// decodeJSON decodes one JSON value, keeping numbers in interfaces as json.Number.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	return d.Decode(v)
}

// excerpt is a short, single-line piece of a non-JSON body for error details (proxy pages, stack traces).
func excerpt(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" || s[0] == '{' || s[0] == '[' {
		return "" // JSON bodies may carry personal data; their fields are read elsewhere
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
