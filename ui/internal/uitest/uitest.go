// Package uitest is the UI tests' one fixture package: it assembles the real parts the screens are tested
// against — the sandbox's deterministic dataset loaded into a real directory, the sandbox server with the real
// TOTVS and Mosia clients — and small in-memory stand-ins for TOTVS, Mosia, the outbox and the status answering
// from that same dataset. Screen packages (and their tests) import this package, never the sandbox or the
// directory: the directory is reached only through openDirectory.
package uitest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

// The dataset's seed people, whom the tests open by card or chaveUnica.
const (
	SeedHernandesCard = sandbox.SeedHernandesCard // HERNANDES ALVES DA SILVA, a holder with a family
	SeedFabianaCard   = sandbox.SeedFabianaCard   // FABIANA SOPHIA MELO, in Hernandes' family
	SeedPatrickCard   = sandbox.SeedPatrickCard   // transferred between networks; has protocols
	SeedJoaoPedro     = sandbox.SeedJoaoPedro     // João Pedro's chaveUnica (not a valid CPF), two contracts
)

// DefaultBeneficiaries is the sandbox dataset's size when none is given (the demo console's).
const DefaultBeneficiaries = sandbox.DefaultBeneficiaries

// Now is the dataset's reference day for reproducible views (running grace periods depend on it).
var Now = time.Date(2025, time.March, 10, 0, 0, 0, 0, time.UTC)

// dataset returns the sandbox dataset of n beneficiaries at Now.
func dataset(n int) *sandbox.Dataset { return sandbox.NewDatasetAt(1, n, Now) }

// Services builds services over a real directory of n beneficiaries and dataset-backed TOTVS and Mosia.
func Services(tb testing.TB, n int) (*common.Services, *Upstream) {
	tb.Helper()
	ds := dataset(n)
	up := &Upstream{ds: ds, desk: startDesk(tb, ds)}
	return &common.Services{
		Directory: loadDirectory(tb, ds, n),
		TOTVS:     up,
		Mosia:     up,
		Outbox:    &Outbox{Apply: up.Apply},
		Status:    &Status{Addr: "127.0.0.1:8089", Requests: 3, TOTVS: common.HealthOK, Mosia: common.HealthOK},
		Demo:      true,
	}, up
}

// ErrNotFound is what the stand-in upstream answers for an unknown card or key.
var ErrNotFound = errors.New("uitest: not found")

// Upstream answers TOTVS and Mosia calls from the dataset. Fail makes a call fail; Gate, when set, is called
// first by every call (tests use it to block or count).
type Upstream struct {
	ds   *sandbox.Dataset
	mu   sync.Mutex
	Fail map[string]error // by call: "contract", "family", "classes", "groups", "protocols"
	Gate func(ctx context.Context, call string) error
	// Calls counts calls by name.
	Calls map[string]int
	// LastN is the last totalProtocols asked.
	LastN int
	// LastWindow and LastMonth are the last authorization query and billing month asked.
	LastWindow model.AuthorizationQuery
	LastMonth  model.Month

	desk *desk
}

func (u *Upstream) enter(ctx context.Context, call string) error {
	u.mu.Lock()
	if u.Calls == nil {
		u.Calls = map[string]int{}
	}
	u.Calls[call]++
	err := u.Fail[call]
	gate := u.Gate
	u.mu.Unlock()
	if gate != nil {
		if gerr := gate(ctx, call); gerr != nil {
			return gerr
		}
	}
	return err
}

// SetFail makes call fail with err (nil to heal it).
func (u *Upstream) SetFail(call string, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.Fail == nil {
		u.Fail = map[string]error{}
	}
	u.Fail[call] = err
}

// Count returns how many times call was made.
func (u *Upstream) Count(call string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.Calls[call]
}

// ProtocolNumbers lists the numbers of the protocols the dataset holds for chave, newest first.
func (u *Upstream) ProtocolNumbers(chave string) []string {
	var out []string
	for _, p := range u.ds.Protocols(chave) {
		out = append(out, p.Protocolo.String())
	}
	return out
}

// Contract implements common.TOTVS.
func (u *Upstream) Contract(ctx context.Context, card string) (*model.Contract, error) {
	if err := u.enter(ctx, "contract"); err != nil {
		return nil, err
	}
	c, ok := u.ds.Contract(card)
	if !ok {
		return nil, fmt.Errorf("contract %s: %w", card, ErrNotFound)
	}
	return c.Model(), nil
}

// Family implements common.TOTVS.
func (u *Upstream) Family(ctx context.Context, card string) (*model.Family, error) {
	if err := u.enter(ctx, "family"); err != nil {
		return nil, err
	}
	f, ok := u.ds.Family(card)
	if !ok {
		return nil, fmt.Errorf("family %s: %w", card, ErrNotFound)
	}
	return f.Model(), nil
}

// GraceClasses implements common.TOTVS.
func (u *Upstream) GraceClasses(ctx context.Context, card string) (*model.GraceClasses, error) {
	if err := u.enter(ctx, "classes"); err != nil {
		return nil, err
	}
	g, ok := u.ds.GraceClasses(card)
	if !ok {
		return nil, fmt.Errorf("classes %s: %w", card, ErrNotFound)
	}
	return g.Model(), nil
}

// GraceGroups implements common.TOTVS.
func (u *Upstream) GraceGroups(ctx context.Context, card string) (*model.GraceGroups, error) {
	if err := u.enter(ctx, "groups"); err != nil {
		return nil, err
	}
	g, ok := u.ds.GraceGroups(card)
	if !ok {
		return nil, fmt.Errorf("groups %s: %w", card, ErrNotFound)
	}
	return g.Model(), nil
}

// LatestProtocols implements common.Mosia.
func (u *Upstream) LatestProtocols(ctx context.Context, chave string, n int) ([]model.Protocol, error) {
	if err := u.enter(ctx, "protocols"); err != nil {
		return nil, err
	}
	u.mu.Lock()
	u.LastN = n
	u.mu.Unlock()
	ps := u.ds.Protocols(chave)
	if len(ps) > n {
		ps = ps[:n]
	}
	out := make([]model.Protocol, len(ps))
	for i, p := range ps {
		out[i] = p.Model()
	}
	return out, nil
}

// Outbox is an in-memory outbox that "sends" occurrences at once with a made-up protocol, and follow-ups through
// Apply (the sandbox, in Services).
type Outbox struct {
	mu      sync.Mutex
	Items   []common.OutboxItem
	Pending int
	Apply   func(ctx context.Context, f model.FollowUp) error // sends a follow-up; nil leaves them pending
	Hold    bool                                              // follow-ups stay pending (Mosia "does not answer")
}

// Submit implements common.Outbox.
func (o *Outbox) Submit(_ context.Context, attendant string, occ model.Occurrence) (common.OutboxItem, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	it := common.OutboxItem{ID: fmt.Sprint(len(o.Items) + 1), Attendant: attendant, CreatedAt: Now, Occurrence: occ,
		State: common.OutboxSent, Attempts: 1, Protocol: fmt.Sprintf("99999920250310%06d", len(o.Items)+1)}
	o.Items = append(o.Items, it)
	return it, nil
}

// List implements common.Outbox: the items not sent yet.
func (o *Outbox) List(context.Context) ([]common.OutboxItem, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []common.OutboxItem
	for _, it := range o.Items {
		if unsent(it.State) {
			out = append(out, it)
		}
	}
	return out, nil
}

// SetHold makes follow-ups stay pending (true) or be applied (false) from now on.
func (o *Outbox) SetHold(hold bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.Hold = hold
}

// RetryNow implements common.Outbox: a follow-up is tried again.
func (o *Outbox) RetryNow(ctx context.Context, id string) (common.OutboxItem, error) {
	o.mu.Lock()
	i := o.index(id)
	follow := i >= 0 && o.Items[i].IsFollowUp()
	o.mu.Unlock()
	if !follow {
		return common.OutboxItem{}, ErrNotFound
	}
	return o.attempt(ctx, id)
}

// Cancel implements common.Outbox: the item is given up.
func (o *Outbox) Cancel(_ context.Context, id, _ string) (common.OutboxItem, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.Items {
		if o.Items[i].ID == id {
			o.Items[i].State = common.OutboxCancelled
			return o.Items[i], nil
		}
	}
	return common.OutboxItem{}, ErrNotFound
}

// Resubmit implements common.Outbox.
func (o *Outbox) Resubmit(context.Context, string, model.Occurrence) (common.OutboxItem, error) {
	return common.OutboxItem{}, ErrNotFound
}

// PendingCount implements common.Outbox: Pending plus the follow-ups not sent yet.
func (o *Outbox) PendingCount(context.Context) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.Pending
	for _, it := range o.Items {
		if it.IsFollowUp() && unsent(it.State) {
			n++
		}
	}
	return n, nil
}

// Status is a fixed status.
type Status struct {
	Addr, Err    string
	Requests     int64
	TOTVS, Mosia common.HealthState
}

// ServerAddr implements common.Status.
func (s *Status) ServerAddr() string { return s.Addr }

// ServerError implements common.Status.
func (s *Status) ServerError() string { return s.Err }

// ServerRequests implements common.Status.
func (s *Status) ServerRequests() int64 { return s.Requests }

// Upstreams implements common.Status.
func (s *Status) Upstreams() (common.Health, common.Health) {
	return common.Health{State: s.TOTVS}, common.Health{State: s.Mosia}
}

// Context builds a session context over svc with the default renderer (tests set its profile to ASCII), its
// clock at the dataset's day.
func Context(svc *common.Services) *common.Context {
	ctx := common.NewContext(svc, common.Session{Attendant: "teste"})
	ctx.Now = func() time.Time { return Now }
	return ctx
}

// Key is the message of one key press: "enter", "esc", "up", "down", "tab", "shift+tab", "ctrl+c", "ctrl+s",
// "pgdown", "pgup", "backspace", or runes typed.
func Key(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// Exec runs a command like Bubble Tea does — a batch's commands concurrently — and returns the messages.
// Commands that sleep (tea.Tick) sleep; callers pass only commands they mean to run.
func Exec(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out []tea.Msg
	)
	for _, c := range batch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms := Exec(c)
			mu.Lock()
			out = append(out, ms...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}
