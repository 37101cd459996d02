// Package uitest builds the console's services for UI tests: a real SQLite directory loaded from the sandbox's
// deterministic dataset, and small in-memory stand-ins for TOTVS, Mosia, the outbox and the status, answering from
// that same dataset.
package uitest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

// Now is the dataset's reference day for reproducible views (running grace periods depend on it).
var Now = time.Date(2025, time.March, 10, 0, 0, 0, 0, time.UTC)

// Dataset returns the sandbox dataset of n beneficiaries at Now.
func Dataset(n int) *sandbox.Dataset { return sandbox.NewDatasetAt(1, n, Now) }

// Directory opens a real directory in a temp dir and loads the first n beneficiaries of ds.
func Directory(tb testing.TB, ds *sandbox.Dataset, n int) *directory.Directory {
	tb.Helper()
	dir, err := directory.Open(context.Background(), filepath.Join(tb.TempDir(), "dir.db"), directory.Options{})
	if err != nil {
		tb.Fatalf("open directory: %v", err)
	}
	tb.Cleanup(func() { _ = dir.Close() })
	bs := make([]model.Beneficiary, 0, n)
	for i := 0; i < n && i < ds.Len(); i++ {
		bs = append(bs, ds.Beneficiary(i))
	}
	if err := dir.Upsert(context.Background(), bs); err != nil {
		tb.Fatalf("load directory: %v", err)
	}
	return dir
}

// Services builds services over a real directory of n beneficiaries and dataset-backed TOTVS and Mosia.
func Services(tb testing.TB, n int) (*common.Services, *Upstream) {
	tb.Helper()
	ds := Dataset(n)
	up := &Upstream{DS: ds}
	return &common.Services{
		Directory: Directory(tb, ds, n),
		TOTVS:     up,
		Mosia:     up,
		Outbox:    &Outbox{},
		Status:    &Status{Addr: "127.0.0.1:8089", Requests: 3, TOTVS: true, Mosia: true},
		Demo:      true,
	}, up
}

// ErrNotFound is what the stand-in upstream answers for an unknown card or key.
var ErrNotFound = errors.New("uitest: not found")

// Upstream answers TOTVS and Mosia calls from the dataset. Fail makes a call fail; Gate, when set, is called
// first by every call (tests use it to block or count).
type Upstream struct {
	DS   *sandbox.Dataset
	mu   sync.Mutex
	Fail map[string]error // by call: "contract", "family", "classes", "groups", "protocols"
	Gate func(ctx context.Context, call string) error
	// Calls counts calls by name.
	Calls map[string]int
	// LastN is the last totalProtocols asked.
	LastN int
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

// Contract implements common.TOTVS.
func (u *Upstream) Contract(ctx context.Context, card string) (*model.Contract, error) {
	if err := u.enter(ctx, "contract"); err != nil {
		return nil, err
	}
	c, ok := u.DS.Contract(card)
	if !ok {
		return nil, fmt.Errorf("contract %s: %w", card, ErrNotFound)
	}
	return &c, nil
}

// Family implements common.TOTVS.
func (u *Upstream) Family(ctx context.Context, card string) (*model.Family, error) {
	if err := u.enter(ctx, "family"); err != nil {
		return nil, err
	}
	f, ok := u.DS.Family(card)
	if !ok {
		return nil, fmt.Errorf("family %s: %w", card, ErrNotFound)
	}
	return &f, nil
}

// GracePeriodClasses implements common.TOTVS.
func (u *Upstream) GracePeriodClasses(ctx context.Context, card string) (*model.GracePeriodClasses, error) {
	if err := u.enter(ctx, "classes"); err != nil {
		return nil, err
	}
	g, ok := u.DS.GraceClasses(card)
	if !ok {
		return nil, fmt.Errorf("classes %s: %w", card, ErrNotFound)
	}
	return &g, nil
}

// GracePeriodGroups implements common.TOTVS.
func (u *Upstream) GracePeriodGroups(ctx context.Context, card string) (*model.GracePeriodGroups, error) {
	if err := u.enter(ctx, "groups"); err != nil {
		return nil, err
	}
	g, ok := u.DS.GraceGroups(card)
	if !ok {
		return nil, fmt.Errorf("groups %s: %w", card, ErrNotFound)
	}
	return &g, nil
}

// LatestProtocols implements common.Mosia.
func (u *Upstream) LatestProtocols(ctx context.Context, chave string, n int) ([]model.Protocol, error) {
	if err := u.enter(ctx, "protocols"); err != nil {
		return nil, err
	}
	u.mu.Lock()
	u.LastN = n
	u.mu.Unlock()
	ps := u.DS.Protocols(chave)
	if len(ps) > n {
		ps = ps[:n]
	}
	return ps, nil
}

// Outbox is an in-memory outbox that "sends" at once with a made-up protocol.
type Outbox struct {
	mu      sync.Mutex
	Items   []common.OutboxItem
	Pending int
}

// Submit implements common.Outbox.
func (o *Outbox) Submit(_ context.Context, attendant string, req model.OccurrenceRequest) (common.OutboxItem, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	it := common.OutboxItem{ID: fmt.Sprint(len(o.Items) + 1), Attendant: attendant, CreatedAt: Now, Request: req,
		State: common.OutboxSent, Attempts: 1, Protocol: fmt.Sprintf("99999920250310%06d", len(o.Items)+1)}
	o.Items = append(o.Items, it)
	return it, nil
}

// List implements common.Outbox.
func (o *Outbox) List(context.Context) ([]common.OutboxItem, error) { return nil, nil }

// RetryNow implements common.Outbox.
func (o *Outbox) RetryNow(context.Context, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, ErrNotFound
}

// Resubmit implements common.Outbox.
func (o *Outbox) Resubmit(context.Context, string, model.OccurrenceRequest) (common.OutboxItem, error) {
	return common.OutboxItem{}, ErrNotFound
}

// PendingCount implements common.Outbox.
func (o *Outbox) PendingCount(context.Context) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.Pending, nil
}

// Status is a fixed status.
type Status struct {
	Addr, Err    string
	Requests     int64
	TOTVS, Mosia bool
}

// ServerAddr implements common.Status.
func (s *Status) ServerAddr() string { return s.Addr }

// ServerError implements common.Status.
func (s *Status) ServerError() string { return s.Err }

// ServerRequests implements common.Status.
func (s *Status) ServerRequests() int64 { return s.Requests }

// UpstreamHealthy implements common.Status.
func (s *Status) UpstreamHealthy() (bool, bool) { return s.TOTVS, s.Mosia }

// Context builds a session context over svc with the default renderer (tests set its profile to ASCII).
func Context(svc *common.Services) *common.Context {
	return common.NewContext(svc, common.Session{Attendant: "teste"})
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
