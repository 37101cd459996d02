package pending_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/occurrence"
	"github.com/balcao/balcao/ui/pending"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// storeOutbox is the console's outbox over the real SQLite store, without a sender: nothing reaches Mosia, so
// every item stays pending until the test plays Mosia's part on the store.
type storeOutbox struct{ box *outbox.Queue }

func conv(it outbox.Item) common.OutboxItem {
	return common.OutboxItem{ID: it.ID, Kind: common.OutboxKind(it.Kind), Attendant: it.Attendant,
		CreatedAt: it.CreatedAt, Occurrence: it.Occurrence, FollowUp: it.FollowUp, Summary: it.Summary(),
		State: common.OutboxState(it.State), Attempts: it.Attempts, Reason: it.LastError, Protocol: it.Protocol,
		NextTry: it.NextAttemptAt}
}

func (o storeOutbox) Submit(ctx context.Context, attendant string, req model.Occurrence) (common.OutboxItem, error) {
	it, err := o.box.Submit(ctx, attendant, req)
	return conv(it), err
}

func (o storeOutbox) List(ctx context.Context) ([]common.OutboxItem, error) {
	items, err := o.box.List(ctx, outbox.Unsent...)
	out := make([]common.OutboxItem, len(items))
	for i, it := range items {
		out[i] = conv(it)
	}
	return out, err
}

func (o storeOutbox) RetryNow(ctx context.Context, id string) (common.OutboxItem, error) {
	if err := o.box.RetryNow(ctx, id); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	return conv(it), err
}

func (o storeOutbox) Resubmit(ctx context.Context, id string, req model.Occurrence) (common.OutboxItem, error) {
	if err := o.box.Resubmit(ctx, id, req); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	return conv(it), err
}

func (o storeOutbox) PendingCount(ctx context.Context) (int, error) { return o.box.PendingCount(ctx) }

func (o storeOutbox) Cancel(ctx context.Context, id, attendant string) (common.OutboxItem, error) {
	if err := o.box.Cancel(ctx, id, attendant); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	return conv(it), err
}

// pump runs a command the way the program would: the screen's own messages go back into it, timers (spinner
// ticks) are skipped, and messages meant for the root are returned.
func pump(t *testing.T, c common.Component, cmd tea.Cmd) (common.Component, []tea.Msg) {
	t.Helper()
	if cmd == nil {
		return c, nil
	}
	var out []tea.Msg
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, sub := range msg {
			var got []tea.Msg
			c, got = pump(t, c, sub)
			out = append(out, got...)
		}
	case common.NoticeMsg, common.BackMsg, common.OccurrenceSentMsg, common.EditOutboxItemMsg, common.OpenOutboxMsg,
		common.OpenProtocolMsg:
		out = append(out, msg)
	default:
		var next tea.Cmd
		c, next = c.Update(msg)
		var got []tea.Msg
		c, got = pump(t, c, next)
		out = append(out, got...)
	}
	return c, out
}

func key(c common.Component, k tea.KeyMsg) (common.Component, tea.Cmd) { return c.Update(k) }

func TestOccurrenceToOutboxToCorrectionOverRealStore(t *testing.T) {
	box, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = box.Close() })
	cat := config.Catalogue{IDFuncionalidade: 9298, Types: []config.OccurrenceType{
		{ID: 128, Name: "Solicitação", Default: true, Subjects: []config.Subject{
			{ID: 173, Name: "Atualização cadastral", Default: true}, {ID: 310, Name: "Segunda via de carteirinha"}}},
	}}
	svc := &common.Services{Outbox: storeOutbox{box}, Catalogue: cat}
	ctx := common.NewContext(svc, common.Session{Attendant: "ana"})
	ctx.Width, ctx.Height = 100, 30
	ben := model.Beneficiary{ChaveUnica: "52998224725", CPF: "52998224725", Name: "Maria da Conceição Souza",
		Phone: "11987654321", Contracts: []model.ContractRef{{Number: "00000000001"}}}

	// n, then Ctrl+S: stored durably, shown as pending (no sender here).
	form := occurrence.New(ctx, common.NewOccurrenceMsg{Beneficiary: ben})
	form.SetSize(100, 30)
	form, _ = pump(t, form, form.Init())
	form, cmd := key(form, tea.KeyMsg{Type: tea.KeyCtrlS})
	form, _ = pump(t, form, cmd)
	items, err := box.List(context.Background())
	require.NoError(t, err)
	require.Len(t, items, 1)
	id := items[0].ID
	assert.Equal(t, 128, items[0].Occurrence.TypeID)
	assert.Equal(t, "52998224725", items[0].Occurrence.Requester.ChaveUnica)
	assert.Contains(t, form.View(), fmt.Sprintf("nº local %s", id))

	// Pendências lists it.
	list := pending.New(ctx)
	list.SetSize(100, 30)
	_ = list.Init() // its refresh timer is not run here; an outbox event triggers the same read
	list, cmd = list.Update(common.OutboxEventMsg{Item: common.OutboxItem{ID: id, State: common.OutboxPending}})
	list, _ = pump(t, list, cmd)
	assert.Contains(t, list.View(), "Maria da Conceição Souza")
	assert.Contains(t, list.View(), "Pendente")

	// Mosia refuses it (the sender's part, played on the store).
	_, ok, err := box.ClaimID(context.Background(), id, "sender", time.Minute, time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, box.MarkNeedsCorrection(context.Background(), id, "sender",
		`O Mosia recusou a ocorrência: "assunto incompatível".`, false))
	list, cmd = list.Update(common.OutboxEventMsg{Item: common.OutboxItem{ID: id, State: common.OutboxNeedsCorrection}})
	list, _ = pump(t, list, cmd)
	assert.Contains(t, list.View(), "Precisa de correção")
	assert.Contains(t, list.View(), "assunto incompatível")

	// Enter asks the root to edit it; the form opens on the stored request.
	list, cmd = key(list, tea.KeyMsg{Type: tea.KeyEnter})
	_, msgs := pump(t, list, cmd)
	require.Len(t, msgs, 1)
	edit, ok := msgs[0].(common.EditOutboxItemMsg)
	require.True(t, ok)
	fix := occurrence.NewFromItem(ctx, edit.Item)
	fix.SetSize(100, 30)
	assert.Contains(t, fix.View(), "assunto incompatível")

	// Change the subject (↓ to Assunto, → to the next one) and resubmit.
	fix, _ = key(fix, tea.KeyMsg{Type: tea.KeyDown})
	fix, _ = key(fix, tea.KeyMsg{Type: tea.KeyRight})
	fix, cmd = key(fix, tea.KeyMsg{Type: tea.KeyCtrlS})
	fix, _ = pump(t, fix, cmd)
	got, err := box.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, outbox.Pending, got.State, "corrected and due again")
	assert.Equal(t, 310, got.Occurrence.SubjectID)
	n, err := box.PendingCount(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a correction is the same item, not a new one")
	assert.Contains(t, fix.View(), "Ocorrência guardada com segurança")
}

func (o storeOutbox) SubmitFollowUp(ctx context.Context, attendant string, f model.FollowUp) (common.OutboxItem, error) {
	it, err := o.box.SubmitFollowUp(ctx, attendant, f)
	return conv(it), err
}

func (o storeOutbox) ResubmitFollowUp(ctx context.Context, id string, f model.FollowUp) (common.OutboxItem, error) {
	if err := o.box.ResubmitFollowUp(ctx, id, f); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	return conv(it), err
}

func (o storeOutbox) ForProtocol(ctx context.Context, protocol string) ([]common.OutboxItem, error) {
	items, err := o.box.ForProtocol(ctx, protocol, false)
	out := make([]common.OutboxItem, len(items))
	for i, it := range items {
		out[i] = conv(it)
	}
	return out, err
}

func (o storeOutbox) Discard(ctx context.Context, id string) (common.OutboxItem, error) {
	if err := o.box.Discard(ctx, id, time.Now()); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	return conv(it), err
}

func (o storeOutbox) ResolveFollowUp(ctx context.Context, id string, applied bool) (common.OutboxItem, error) {
	if err := o.box.ResolveFollowUp(ctx, id, applied, time.Now()); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	return conv(it), err
}
