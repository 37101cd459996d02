package pending_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
	"github.com/balcao/balcao/ui/pending"
)

// deskMosia is the sandbox's Mosia (through the fixture's real client) as the outbox's sender calls it; these
// tests create no occurrence through it.
type deskMosia struct{ *uitest.Upstream }

func (deskMosia) CreateOccurrence(context.Context, model.Occurrence) (string, error) {
	return "", errors.New("deskMosia: no occurrences in these tests")
}

// sendingOutbox is storeOutbox with the real sender behind it, as the console wires them: what the attendant
// submits, retries or sends again is tried once at once against the sandbox.
type sendingOutbox struct {
	storeOutbox
	sender *outbox.Sender
}

func (o sendingOutbox) sendNow(ctx context.Context, id string) (common.OutboxItem, error) {
	it, err := o.sender.SendNow(ctx, id)
	return conv(it), err
}

func (o sendingOutbox) SubmitFollowUp(ctx context.Context, attendant string, f model.FollowUp) (common.OutboxItem, error) {
	it, err := o.box.SubmitFollowUp(ctx, attendant, f)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, it.ID)
}

func (o sendingOutbox) RetryNow(ctx context.Context, id string) (common.OutboxItem, error) {
	if err := o.box.RetryNow(ctx, id); err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, id)
}

func (o sendingOutbox) ResolveFollowUp(ctx context.Context, id string, applied bool) (common.OutboxItem, error) {
	it, err := o.storeOutbox.ResolveFollowUp(ctx, id, applied)
	if err != nil || applied {
		return it, err
	}
	return o.sendNow(ctx, id)
}

// desk is Pendências over the real SQLite outbox and the real sandbox, holding (oldest first) an occurrence not
// sent yet, a note not sent yet, a status change and an activation Mosia refused, and a note under review, each
// follow-up on its own protocol of Patrick's (actions on one protocol go one at a time; the note not sent is on a
// draft opened in the sandbox for the test).
type desk struct {
	ctx                                *common.Context
	box                                *outbox.Queue
	up                                 *uitest.Upstream
	occ, note, status, activate, doubt outbox.Item
	order                              []string // the items' ids as listed
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	svc, up := uitest.Services(t, 50)
	box, err := outbox.Open(filepath.Join(t.TempDir(), "outbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = box.Close() })
	sender := outbox.NewSender(box, deskMosia{up}, outbox.Options{Owner: "console"})
	svc.Outbox = sendingOutbox{storeOutbox{box}, sender}
	svc.Catalogue = config.Catalogue{IDFuncionalidade: 9298, Types: []config.OccurrenceType{{ID: 128,
		Name: "Solicitação", Default: true, Subjects: []config.Subject{{ID: 173, Name: "Atualização cadastral"}}}}}
	d := &desk{ctx: uitest.Context(svc), box: box, up: up}
	bg := context.Background()

	p := uitest.SeedPatrickProtocol
	detail, err := up.Detail(bg, p)
	require.NoError(t, err)
	patrick := detail.Requester.ChaveUnica
	protocols := up.ProtocolNumbers(patrick)
	require.GreaterOrEqual(t, len(protocols), 3, "Patrick has protocols")
	draft, err := up.CreateDraft(bg, patrick, detail.Requester.Name) // a fourth protocol, for the note not sent
	require.NoError(t, err)
	others := make([]string, 0, 2)
	for _, q := range protocols {
		if q != p {
			others = append(others, q)
		}
	}
	on := func(protocol string) model.FollowUp {
		return model.FollowUp{Protocol: protocol, Requester: patrick, Beneficiary: patrick, AttendantID: 42}
	}
	submit := func(f model.FollowUp, send bool) outbox.Item {
		t.Helper()
		it, err := box.SubmitFollowUp(bg, "ana", f)
		require.NoError(t, err)
		if send {
			it, err = sender.SendNow(bg, it.ID)
			require.NoError(t, err)
		}
		return it
	}

	d.occ, err = box.Submit(bg, "ana", model.Occurrence{Function: 9298, TypeID: 128, SubjectID: 173,
		Requester: model.Party{Name: "Maria da Conceição Souza", ChaveUnica: "52998224725"}})
	require.NoError(t, err)

	f := on(draft)
	f.Note = &model.NoteAction{Text: "Cliente pediu retorno por telefone à tarde.", Public: true}
	d.note = submit(f, false) // stored, not tried yet

	f = on(p)
	f.Requester = "52998224725" // not the protocol's requester: Mosia refuses it
	f.Status = &model.StatusAction{StatusID: 249, StatusName: "Em análise"}
	d.status = submit(f, true)
	require.Equal(t, outbox.NeedsCorrection, d.status.State, "the sandbox refused it: %s", d.status.LastError)

	f = on(others[0])
	f.Activate = true // not a draft: Mosia refuses it
	d.activate = submit(f, true)
	require.Equal(t, outbox.NeedsCorrection, d.activate.State, "the sandbox refused it: %s", d.activate.LastError)

	// A note whose answer was lost and that the duplicate check could not judge: the sender's part, played on the
	// store (the sandbox's frozen clock cannot make the check undecided).
	f = on(others[1])
	f.Note = &model.NoteAction{Text: "Retorno combinado com o beneficiário.", Public: false}
	d.doubt = submit(f, false)
	_, ok, err := box.ClaimID(bg, d.doubt.ID, "console", time.Minute, time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	_, err = box.MarkAttempt(bg, d.doubt.ID, "console", time.Minute, time.Now())
	require.NoError(t, err)
	require.NoError(t, box.MarkReview(bg, d.doubt.ID, "console", i18n.OutboxReviewNote(others[1])))
	for _, id := range []*outbox.Item{&d.occ, &d.note, &d.status, &d.activate, &d.doubt} {
		*id, err = box.Get(bg, id.ID)
		require.NoError(t, err)
	}
	d.order = []string{d.occ.ID, d.note.ID, d.status.ID, d.activate.ID, d.doubt.ID}
	return d
}

// open shows Pendências at w×h with the outbox read.
func (d *desk) open(t *testing.T, w, h int) common.Component {
	t.Helper()
	d.ctx.Width, d.ctx.Height = w, h
	m := pending.New(d.ctx)
	m.SetSize(w, h)
	m, cmd := m.Update(common.OutboxEventMsg{}) // what Init reads, without its refresh timer
	m, _ = pump(t, m, cmd)
	return m
}

// pick moves the cursor to the item id.
func (d *desk) pick(t *testing.T, m common.Component, id string) common.Component {
	t.Helper()
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyHome})
	for _, x := range d.order {
		if x == id {
			return m
		}
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	t.Fatalf("item %s not listed", id)
	return m
}

// press sends a key and runs what it asks; it returns the messages meant for the root.
func press(t *testing.T, m common.Component, k string) (common.Component, []tea.Msg) {
	t.Helper()
	m, cmd := m.Update(uitest.Key(k))
	return pump(t, m, cmd)
}

// notices are the notices among msgs.
func notices(msgs []tea.Msg) []common.NoticeMsg {
	var out []common.NoticeMsg
	for _, m := range msgs {
		if n, ok := m.(common.NoticeMsg); ok {
			out = append(out, n)
		}
	}
	return out
}

// Each row of an action says what it asks (its summary, with the protocol) and the protocol in words where an
// occurrence has the beneficiary; its state in words; Mosia's reason for a refusal. The occurrence's row is as
// before: the beneficiary's name and its type / subject.
func TestFollowUpRowsInWords(t *testing.T) {
	d := newDesk(t)
	tests := []struct {
		name string
		item outbox.Item
		want []string
	}{
		{"occurrence", d.occ, []string{"Maria da Conceição Souza", "Pendente", "Solicitação / Atualização cadastral"}},
		{"note", d.note, []string{"Protocolo " + common.GroupDigits(d.note.FollowUp.Protocol), "Pendente",
			"Anotação pública no protocolo " + d.note.FollowUp.Protocol + ": “Cliente pediu retorno", d.note.Summary()}},
		{"status", d.status, []string{"Protocolo " + common.GroupDigits(uitest.SeedPatrickProtocol),
			"Precisa de correção", i18n.OutboxSummaryStatus(uitest.SeedPatrickProtocol, "Em análise", ""),
			"O Mosia recusou a ação no protocolo"}},
		{"activation", d.activate, []string{"Protocolo " + common.GroupDigits(d.activate.FollowUp.Protocol),
			"Precisa de correção", i18n.OutboxSummaryActivate(d.activate.FollowUp.Protocol), "rascunho"}},
		{"under review", d.doubt, []string{"Protocolo " + common.GroupDigits(d.doubt.FollowUp.Protocol),
			i18n.PendStateReview, i18n.OutboxSummaryNote(d.doubt.FollowUp.Protocol, false, "Retorno combinado com o beneficiário.")}},
	}
	m := d.open(t, 250, 40)
	v := ansi.Strip(m.View())
	assert.Contains(t, v, i18n.PendCountItems(1, 4), "the count says what waits: one occurrence, four actions")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l1, l2 := rowOf(t, v, tt.want[0])
			row := l1 + "\n" + l2
			for _, w := range tt.want[1:] {
				assert.Contains(t, row, w)
			}
		})
	}
	// At 80 columns the protocol column is cut, but the summary under it names the protocol in full.
	narrow := ansi.Strip(d.open(t, 80, 40).View())
	assert.Contains(t, narrow, "Anotação pública no protocolo "+d.note.FollowUp.Protocol)
	assert.Contains(t, narrow, i18n.OutboxSummaryActivate(d.activate.FollowUp.Protocol))
}

// rowOf finds the row whose first line contains first: its two lines.
func rowOf(t *testing.T, view, first string) (string, string) {
	t.Helper()
	ls := strings.Split(view, "\n")
	for i := 0; i+1 < len(ls); i++ {
		if strings.Contains(ls[i], first) {
			return ls[i], ls[i+1]
		}
	}
	t.Fatalf("no row with %q in\n%s", first, view)
	return "", ""
}

// x on an action Mosia refused or one under review asks (in the words that fit), and s discards it: the outbox
// keeps it as discarded, the notice says so and the row goes; if the item changed meanwhile (another console
// settled it) the notice says the discard failed and the item is as the other left it.
func TestDiscardFollowUp(t *testing.T) {
	tests := []struct {
		name    string
		item    func(*desk) outbox.Item
		ask     string
		meddle  func(t *testing.T, d *desk, id string) // between x and s
		notice  common.NoticeMsg
		stateAt outbox.State
	}{
		{"refused status", func(d *desk) outbox.Item { return d.status }, i18n.PendDiscardAsk, nil,
			common.NoticeMsg{Text: i18n.PendDiscarded}, outbox.Discarded},
		{"refused activation", func(d *desk) outbox.Item { return d.activate }, i18n.PendDiscardAsk, nil,
			common.NoticeMsg{Text: i18n.PendDiscarded}, outbox.Discarded},
		{"under review", func(d *desk) outbox.Item { return d.doubt }, i18n.PendDiscardReviewAsk, nil,
			common.NoticeMsg{Text: i18n.PendDiscarded}, outbox.Discarded},
		{"settled meanwhile", func(d *desk) outbox.Item { return d.doubt }, i18n.PendDiscardReviewAsk,
			func(t *testing.T, d *desk, id string) {
				require.NoError(t, d.box.ResolveFollowUp(context.Background(), id, true, time.Now()))
			}, common.NoticeMsg{Text: i18n.PendDiscardFailed, Error: true}, outbox.Sent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDesk(t)
			it := tt.item(d)
			m := d.pick(t, d.open(t, 120, 30), it.ID)
			m, msgs := press(t, m, "x")
			assert.Empty(t, msgs)
			assert.Contains(t, flatView(m), tt.ask)
			if tt.meddle != nil {
				tt.meddle(t, d, it.ID)
			}
			m, msgs = press(t, m, "s")
			assert.Equal(t, []common.NoticeMsg{tt.notice}, notices(msgs))
			got, err := d.box.Get(context.Background(), it.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.stateAt, got.State)
			assert.NotContains(t, flatView(m), it.Summary(), "settled either way: no longer listed")
			assert.Contains(t, flatView(m), i18n.PendCountItems(1, 3))
		})
	}

	// n keeps it; an occurrence is cancelled, not discarded (its own question).
	d := newDesk(t)
	m := d.pick(t, d.open(t, 120, 30), d.status.ID)
	m, _ = press(t, m, "x")
	m, msgs := press(t, m, "n")
	assert.Empty(t, msgs)
	got, err := d.box.Get(context.Background(), d.status.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.NeedsCorrection, got.State)
	m = d.pick(t, m, d.occ.ID)
	m, _ = press(t, m, "x")
	assert.Contains(t, flatView(m), i18n.PendCancelAsk)
}

// flatView is a screen's text without styles, its whitespace folded.
func flatView(m common.Component) string {
	return strings.Join(strings.Fields(ansi.Strip(m.View())), " ")
}

// r on an action under review sends it again (the attendant found it is not in Mosia): the sandbox has the note
// once and the item is sent. r on a refused one says to correct it first and sends nothing.
func TestRetryFollowUp(t *testing.T) {
	d := newDesk(t)
	bg := context.Background()
	doubt := d.doubt.FollowUp
	require.Empty(t, d.up.NotesOf(doubt.Protocol))

	m := d.pick(t, d.open(t, 120, 30), d.doubt.ID)
	m, msgs := press(t, m, "r")
	assert.Equal(t, []common.NoticeMsg{{Text: i18n.ProtoOpenedNotice(d.doubt.Summary())}}, notices(msgs))
	assert.Equal(t, []uitest.NoteOf{{Text: doubt.Note.Text, Public: false, AttendantID: 42}}, d.up.NotesOf(doubt.Protocol))
	got, err := d.box.Get(bg, d.doubt.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assert.NotContains(t, flatView(m), d.doubt.Summary())

	statusBefore := d.up.StatusOf(uitest.SeedPatrickProtocol)
	for _, it := range []outbox.Item{d.status, d.activate} {
		m = d.pick(t, m, it.ID)
		m, msgs = press(t, m, "r")
		assert.Equal(t, []common.NoticeMsg{{Text: i18n.PendRetryCorrectionAction, Error: true}}, notices(msgs))
		got, err := d.box.Get(bg, it.ID)
		require.NoError(t, err)
		assert.Equal(t, outbox.NeedsCorrection, got.State)
		assert.Equal(t, it.Attempts, got.Attempts, "not sent again")
	}
	assert.Equal(t, statusBefore, d.up.StatusOf(uitest.SeedPatrickProtocol))
	assert.Zero(t, d.up.Activations(d.activate.FollowUp.Protocol))
	assert.Equal(t, 3, d.up.Count("apply"), "the two refusals, the one resend: nothing more")
}

// Enter on a refused action opens its protocol with the action to correct; on any other item it shows the
// item's detail (the occurrence's as before).
func TestEnterOnFollowUp(t *testing.T) {
	d := newDesk(t)
	for _, it := range []outbox.Item{d.status, d.activate} {
		m := d.pick(t, d.open(t, 120, 30), it.ID)
		_, msgs := press(t, m, "enter")
		require.Len(t, msgs, 1)
		open, ok := msgs[0].(common.OpenProtocolMsg)
		require.True(t, ok, "%T", msgs[0])
		assert.Equal(t, it.FollowUp.Protocol, open.Protocol)
		require.NotNil(t, open.Correct)
		assert.Equal(t, it.ID, open.Correct.ID)
		assert.Equal(t, common.OutboxNeedsCorrection, open.Correct.State)
		assert.Equal(t, it.FollowUp, open.Correct.FollowUp)
	}
	for _, tt := range []struct {
		item  outbox.Item
		title string
		want  string
	}{
		{d.doubt, i18n.PendFollowUpTitle, d.doubt.FollowUp.Note.Text},
		{d.note, i18n.PendFollowUpTitle, common.GroupDigits(d.note.FollowUp.Protocol)},
		{d.occ, i18n.PendDetailTitle, "Maria da Conceição Souza"},
	} {
		m := d.pick(t, d.open(t, 120, 30), tt.item.ID)
		m, msgs := press(t, m, "enter")
		assert.Empty(t, msgs)
		v := flatView(m)
		assert.Contains(t, v, tt.title)
		assert.Contains(t, v, tt.want)
	}
}
