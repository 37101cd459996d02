package uitest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

// The desk's calls (a protocol's detail and follow-ups, authorizations, billing, the TOTVS search) are answered
// by the real sandbox over the dataset of the fixture, at the dataset's day (its clock stands still, so views are
// reproducible), through the real clients: the stand-in adds its counting, failures and gate before each.

// SeedPatrickProtocol is Patrick's newest protocol, the one with a filled form (Mosia's example).
const SeedPatrickProtocol = "1111120240710000017"

// NewcomerLarissa is a person only TOTVS knows (not in the directory): Larissa Monteiro Duarte.
const NewcomerLarissa = "Larissa Monteiro Duarte"

// desk is the sandbox and the clients that answer the desk's calls.
type desk struct {
	sb    *sandbox.Sandbox
	totvs *totvs.Client
	mosia *mosia.Client
}

// startDesk starts the sandbox over ds, frozen at ds's day, and real clients for it; closed when the test ends.
func startDesk(tb testing.TB, ds *sandbox.Dataset) *desk {
	tb.Helper()
	day := ds.Now()
	sb := sandbox.New(sandbox.Options{Dataset: ds, Clock: func() time.Time { return day }})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		tb.Fatalf("start the sandbox: %v", err)
	}
	o := sb.Options()
	d := &desk{sb: sb,
		totvs: totvs.New(totvs.Options{BaseURL: sb.TOTVSURL(), User: o.TOTVSUser, Password: o.TOTVSPassword, OAuth2: true, PageSize: 10}),
		mosia: mosia.New(mosia.Options{BaseURL: sb.MosiaURL(), Token: o.MosiaToken})}
	tb.Cleanup(func() { _, _, _ = d.totvs.Close(), d.mosia.Close(), sb.Close() })
	return d
}

// Authorizations implements common.TOTVS.
func (u *Upstream) Authorizations(ctx context.Context, card string, q model.AuthorizationQuery) (*model.Authorizations, error) {
	if err := u.enter(ctx, "authorizations"); err != nil {
		return nil, err
	}
	u.mu.Lock()
	u.LastWindow = q
	u.mu.Unlock()
	return u.desk.totvs.Authorizations(ctx, card, q)
}

// BillingMonth implements common.TOTVS.
func (u *Upstream) BillingMonth(ctx context.Context, card string, month, current model.Month) (*model.Billing, error) {
	if err := u.enter(ctx, "billing"); err != nil {
		return nil, err
	}
	u.mu.Lock()
	u.LastMonth = month
	u.mu.Unlock()
	return u.desk.totvs.BillingMonth(ctx, card, month, current)
}

// SearchQuery implements common.TOTVS.
func (u *Upstream) SearchQuery(ctx context.Context, q model.Query) ([]model.Match, error) {
	if err := u.enter(ctx, "search"); err != nil {
		return nil, err
	}
	return u.desk.totvs.SearchQuery(ctx, q)
}

// Detail implements common.Mosia.
func (u *Upstream) Detail(ctx context.Context, protocol string) (*model.ProtocolDetail, error) {
	if err := u.enter(ctx, "detail"); err != nil {
		return nil, err
	}
	return u.desk.mosia.Detail(ctx, protocol)
}

// Apply sends a follow-up to the sandbox (what the outbox's sender does), counted as "apply".
func (u *Upstream) Apply(ctx context.Context, f model.FollowUp) error {
	if err := u.enter(ctx, "apply"); err != nil {
		return err
	}
	return u.desk.mosia.Apply(ctx, f)
}

// Notes returns the notes the sandbox holds on a protocol (what Mosia would show).
func (u *Upstream) Notes(protocol string) []string {
	rec, ok := u.desk.sb.Protocol(protocol)
	if !ok {
		return nil
	}
	out := make([]string, len(rec.Notes))
	for i, n := range rec.Notes {
		out[i] = n.Text
	}
	return out
}

// StatusOf returns the status the sandbox holds for a protocol.
func (u *Upstream) StatusOf(protocol string) string {
	rec, _ := u.desk.sb.Protocol(protocol)
	return rec.Status.Descricao
}

// NewcomerCard is the card of a person only TOTVS knows, by name.
func (u *Upstream) NewcomerCard(name string) string {
	for _, b := range u.ds.Newcomers() {
		if b.Name == name {
			return b.Card
		}
	}
	return ""
}

// SubmitFollowUp implements common.Outbox: the action is applied through Apply at once (sent), refused (needs
// correction, with Mosia's message), or left pending when Hold is set or Apply is not.
func (o *Outbox) SubmitFollowUp(ctx context.Context, attendant string, f model.FollowUp) (common.OutboxItem, error) {
	if err := f.Check(); err != nil {
		return common.OutboxItem{}, err
	}
	o.mu.Lock()
	k := kindOf(f)
	it := common.OutboxItem{ID: fmt.Sprint(len(o.Items) + 1), Kind: k, Attendant: attendant, CreatedAt: Now,
		FollowUp: f, Summary: outbox.Item{Kind: outbox.Kind(k), FollowUp: f}.Summary(), State: common.OutboxPending}
	o.Items = append(o.Items, it)
	o.mu.Unlock()
	return o.attempt(ctx, it.ID)
}

// attempt tries an item once through Apply.
func (o *Outbox) attempt(ctx context.Context, id string) (common.OutboxItem, error) {
	o.mu.Lock()
	apply, hold := o.Apply, o.Hold
	i := o.index(id)
	if i < 0 {
		o.mu.Unlock()
		return common.OutboxItem{}, ErrNotFound
	}
	f := o.Items[i].FollowUp
	o.mu.Unlock()
	state, reason := common.OutboxPending, "aguardando o Mosia"
	if apply != nil && !hold {
		err := apply(ctx, f)
		var ce *client.Error
		switch {
		case err == nil:
			state, reason = common.OutboxSent, ""
		case errors.As(err, &ce) && ce.Kind == client.KindBadRequest:
			state, reason = common.OutboxNeedsCorrection, client.UserMessage(err)
		default:
			reason = client.UserMessage(err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.Items[i].State, o.Items[i].Reason = state, reason
	o.Items[i].Attempts++
	return o.Items[i], nil
}

// index finds an item (o.mu held); -1 when absent.
func (o *Outbox) index(id string) int {
	for i := range o.Items {
		if o.Items[i].ID == id {
			return i
		}
	}
	return -1
}

// ResubmitFollowUp implements common.Outbox.
func (o *Outbox) ResubmitFollowUp(ctx context.Context, id string, f model.FollowUp) (common.OutboxItem, error) {
	o.mu.Lock()
	i := o.index(id)
	if i < 0 {
		o.mu.Unlock()
		return common.OutboxItem{}, ErrNotFound
	}
	o.Items[i].FollowUp = f
	o.Items[i].Summary = outbox.Item{Kind: outbox.Kind(o.Items[i].Kind), FollowUp: f}.Summary()
	o.mu.Unlock()
	return o.attempt(ctx, id)
}

// ForProtocol implements common.Outbox.
func (o *Outbox) ForProtocol(_ context.Context, protocol string) ([]common.OutboxItem, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []common.OutboxItem
	for _, it := range o.Items {
		if it.IsFollowUp() && it.FollowUp.Protocol == protocol && unsent(it.State) {
			out = append(out, it)
		}
	}
	return out, nil
}

// Discard implements common.Outbox.
func (o *Outbox) Discard(_ context.Context, id string) (common.OutboxItem, error) {
	return o.settle(id, common.OutboxDiscarded)
}

// ResolveFollowUp implements common.Outbox.
func (o *Outbox) ResolveFollowUp(ctx context.Context, id string, applied bool) (common.OutboxItem, error) {
	if applied {
		return o.settle(id, common.OutboxSent)
	}
	return o.attempt(ctx, id)
}

// settle puts an item in a final state.
func (o *Outbox) settle(id string, st common.OutboxState) (common.OutboxItem, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.index(id)
	if i < 0 {
		return common.OutboxItem{}, ErrNotFound
	}
	o.Items[i].State = st
	return o.Items[i], nil
}

// unsent reports whether an item still waits to be sent.
func unsent(s common.OutboxState) bool {
	return s == common.OutboxPending || s == common.OutboxSending || s == common.OutboxNeedsCorrection ||
		s == common.OutboxNeedsReview
}

// kindOf is the outbox kind of a follow-up.
func kindOf(f model.FollowUp) common.OutboxKind {
	switch f.Kind() {
	case model.FollowUpNote:
		return common.KindNote
	case model.FollowUpStatus:
		return common.KindStatus
	case model.FollowUpActivate:
		return common.KindActivate
	}
	return common.KindOccurrence
}

// NoteOf is a note the sandbox holds on a protocol: its text, visibility and author.
type NoteOf struct {
	Text        string
	Public      bool
	AttendantID int
}

// NotesOf returns the notes the sandbox holds on a protocol, with their visibility and author.
func (u *Upstream) NotesOf(protocol string) []NoteOf {
	rec, _ := u.desk.sb.Protocol(protocol)
	out := make([]NoteOf, len(rec.Notes))
	for i, n := range rec.Notes {
		out[i] = NoteOf{Text: n.Text, Public: n.Public, AttendantID: n.AttendantID}
	}
	return out
}

// Activations returns how many times the sandbox activated a protocol.
func (u *Upstream) Activations(protocol string) int {
	rec, _ := u.desk.sb.Protocol(protocol)
	return rec.Activations
}

// CreateDraft registers a draft occurrence for a person in the sandbox (type and subject of the demo catalogue)
// and returns its protocol.
func (u *Upstream) CreateDraft(ctx context.Context, chave, name string) (string, error) {
	p := model.Party{Name: name, ChaveUnica: chave}
	return u.desk.mosia.CreateOccurrence(ctx, model.Occurrence{Function: 9298, TypeID: 128, SubjectID: 173,
		Draft: true, Requester: p, Beneficiary: &p, Note: "Rascunho aberto no teste."})
}
