package totvs

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// dateLayout is the plan's date query format (AAAA-MM-DD).
const dateLayout = "2006-01-02"

// Authorizations returns one page of the beneficiary's authorization guides whose event date falls in the
// query's window, newest first (page and pageSize as the plan pages them; More and Remaining say what is left).
func (c *Client) Authorizations(ctx context.Context, card string, q model.AuthorizationQuery) (*model.Authorizations, error) {
	page := max(q.Page, 1)
	op := "totvs authorizations " + model.MaskTerm(card)
	path, e := cardPath(op, card, "authorizations")
	if e != nil {
		return nil, e
	}
	if q.Window.From.IsZero() || q.Window.To.IsZero() || q.Window.To.Before(q.Window.From) {
		return nil, &client.Error{Kind: client.KindBadRequest, Op: op, Message: i18n.ClientBadWindow,
			Advice: i18n.ClientBadWindow, Reached: client.ReachNo}
	}
	resp, e := c.get(ctx, op, path, map[string]string{
		"initialDate": q.Window.From.Format(dateLayout), "finalDate": q.Window.To.Format(dateLayout),
		"page": strconv.Itoa(page), "pageSize": strconv.Itoa(c.pageSize), "order": "-" + colDate,
	})
	if e != nil {
		return nil, e
	}
	var out Authorizations
	if err := client.DecodeJSON(resp.Body(), &out); err != nil {
		return nil, c.call.Malformed(ctx, op, resp, err)
	}
	return out.Model(page, c.pageSize), nil
}

// Billing returns the family's billing of a month: what is to be billed (model.BillingToBill) or what was billed
// (model.BillingBilled). A month the plan has nothing for comes back Empty.
func (c *Client) Billing(ctx context.Context, card string, month model.Month, kind model.BillingKind) (*model.Billing, error) {
	op := "totvs billing " + model.MaskTerm(card)
	path, e := cardPath(op, card, "billing")
	if e != nil {
		return nil, e
	}
	if month.Month < 1 || month.Month > 12 || month.Year < 1000 || (kind != model.BillingToBill && kind != model.BillingBilled) {
		return nil, &client.Error{Kind: client.KindBadRequest, Op: op, Message: i18n.ClientBadMonth,
			Advice: i18n.ClientBadMonth, Reached: client.ReachNo}
	}
	resp, e := c.get(ctx, op, path, map[string]string{"baseMonth": strconv.Itoa(int(month.Month)),
		"baseYear": strconv.Itoa(month.Year), "billingType": strconv.Itoa(int(kind))})
	if e != nil {
		return nil, e
	}
	var out Billing
	if err := client.DecodeJSON(resp.Body(), &out); err != nil {
		return nil, c.call.Malformed(ctx, op, resp, err)
	}
	return out.Model(month, kind), nil
}

// BillingMonth returns a month's billing as the attendant asks for it ("how much is my bill"): for a past month
// what was billed, for the current or a later one what is to be billed; when the plan has nothing of that kind,
// the other kind is asked (the current month may already be billed). The answer's Kind says which one it is.
func (c *Client) BillingMonth(ctx context.Context, card string, month, current model.Month) (*model.Billing, error) {
	first, second := model.BillingToBill, model.BillingBilled
	if month.Before(current) {
		first, second = second, first
	}
	b, err := c.Billing(ctx, card, month, first)
	if err != nil || !b.Empty() {
		return b, err
	}
	other, err := c.Billing(ctx, card, month, second)
	if err != nil {
		if client.KindOf(err) == client.KindNotFound {
			return b, nil // the first answer stands: nothing for the month
		}
		return nil, err
	}
	if other.Empty() {
		return b, nil
	}
	return other, nil
}

// Search asks the plan's own search (beneficiaryPosition/search) by one key: a name, a card or a CPF. Rows are
// marked model.OriginTOTVS; one page only (the page size configured), rows without a 17-digit card dropped.
func (c *Client) Search(ctx context.Context, key string) ([]model.Match, error) {
	key = strings.TrimSpace(key)
	op := "totvs search " + model.MaskTerm(key)
	if key == "" {
		return nil, &client.Error{Kind: client.KindBadRequest, Op: op, Message: i18n.ClientMissingKey, Reached: client.ReachNo}
	}
	resp, e := c.get(ctx, op, positionPath+"search", map[string]string{"key": key, "page": "1",
		"pageSize": strconv.Itoa(c.pageSize)})
	if e != nil {
		if e.Kind == client.KindNotFound && e.Code != "" { // E001: the plan found nobody
			return []model.Match{}, nil
		}
		return nil, e
	}
	var out Search
	if err := client.DecodeJSON(resp.Body(), &out); err != nil {
		return nil, c.call.Malformed(ctx, op, resp, err)
	}
	ms := out.Model()
	c.log.LogAttrs(ctx, slog.LevelDebug, "totvs search", slog.String("op", op), slog.Int("found", len(ms)))
	return ms, nil
}

// SearchQuery is the search "when the directory misses": the key taken from a classified query
// (model.FallbackKey), and only the rows that meet every criterion of the query (model.Satisfies). A query the
// plan cannot answer (a phone, a contract number, a birth date alone) gives no rows and makes no call.
func (c *Client) SearchQuery(ctx context.Context, q model.Query) ([]model.Match, error) {
	key, ok := model.FallbackKey(q)
	if !ok {
		return []model.Match{}, nil
	}
	ms, err := c.Search(ctx, key)
	if err != nil {
		return nil, err
	}
	byCPF := len(key) == 11 && model.ValidCPF(key)
	out := ms[:0]
	for _, m := range ms {
		if byCPF && m.Beneficiary.CPF == "" { // asked by CPF: the plan's answer is that CPF's, named or not
			m.Beneficiary.CPF, m.Beneficiary.ChaveUnica = key, key
		}
		if model.Satisfies(m.Beneficiary, q) {
			out = append(out, m)
		}
	}
	return out, nil
}
