package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
)

// patrickProtocol is the newest protocol of Mosia's ultimosProtocolos example; the sandbox serves its detail.
const patrickProtocol = "1111120240710000017"

// note, closing and activation build follow-ups the way the console does (attendant id 44).
func note(protocol, text string, public bool) model.FollowUp {
	return model.FollowUp{Protocol: protocol, Requester: sandbox.SeedPatrick, Beneficiary: sandbox.SeedPatrick,
		AttendantID: 44, Note: &model.NoteAction{Text: text, Public: public}}
}

func closing(protocol, requester string) model.FollowUp {
	return model.FollowUp{Protocol: protocol, Requester: requester, Beneficiary: requester, AttendantID: 44,
		Status: &model.StatusAction{StatusID: 249, StatusName: "Encerrado", ReasonID: 2261,
			ReasonName: "Solicitação atendida", Outcome: "Reembolso aprovado e pago."}}
}

func activation(protocol, requester string) model.FollowUp {
	return model.FollowUp{Protocol: protocol, Requester: requester, Beneficiary: requester, AttendantID: 44, Activate: true}
}

func (r *rig) follow(t *testing.T, fs ...model.FollowUp) []outbox.Item {
	t.Helper()
	var items []outbox.Item
	for _, f := range fs {
		it, err := r.box.SubmitFollowUp(context.Background(), "ana", f)
		require.NoError(t, err)
		items = append(items, it)
	}
	return items
}

// record is the sandbox's view of a protocol.
func (r *rig) record(t *testing.T, protocol string) sandbox.ProtocolRecord {
	t.Helper()
	rec, ok := r.sb.Protocol(protocol)
	require.True(t, ok, protocol)
	return rec
}

// draft opens a draft occurrence for the sandbox's i-th beneficiary and returns its protocol and requester.
func (r *rig) draft(t *testing.T, i int) (string, string) {
	t.Helper()
	o := r.request(i)
	o.Draft = true
	p, err := r.mosia.CreateOccurrence(context.Background(), o)
	require.NoError(t, err)
	return p, o.Requester.ChaveUnica
}

// assertAllSent checks every item ended sent, in the queue.
func assertAllSent(t *testing.T, box *outbox.Queue, items []outbox.Item) {
	t.Helper()
	for _, it := range items {
		got, err := box.Get(context.Background(), it.ID)
		require.NoError(t, err)
		assert.Equal(t, outbox.Sent, got.State, "%s %s: %s", it.Kind, it.ID, got.LastError)
	}
}

func TestFollowUpsReachTheSandboxOnceAndInOrder(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	r.sb.ScriptFollowUps(sandbox.ScriptFail) // the first note meets a 5xx: the closing must still come after it
	items := r.follow(t, note(patrickProtocol, "Cliente ligou pedindo o prazo do reembolso.", true),
		note(patrickProtocol, "Conferido com o financeiro: pago ontem.", false),
		closing(patrickProtocol, sandbox.SeedPatrick))
	s := r.sender(r.box, r.testOptions("w"))
	events := collect(s)
	run(t, s)
	waitDone(t, r.box)
	assertAllSent(t, r.box, items)
	waitSent(t, len(items), events)

	rec := r.record(t, patrickProtocol)
	assert.Equal(t, []string{"anotacao", "anotacao", "status"}, rec.Applied, "in the order they were written")
	require.Len(t, rec.Notes, 2)
	assert.Equal(t, sandbox.RecordedNote{Text: "Cliente ligou pedindo o prazo do reembolso.", Public: true,
		AttendantID: 44, At: rec.Notes[0].At}, rec.Notes[0])
	assert.False(t, rec.Notes[1].Public)
	assert.Equal(t, 1, rec.StatusChanges)
	assert.Equal(t, "Encerrado", rec.Status.Descricao)
	assert.Equal(t, "Reembolso aprovado e pago.", rec.Outcome)
	assert.Equal(t, 2261, rec.Reason.ID)

	// The detail and the list serve the changes back.
	d, err := r.mosia.Detail(context.Background(), patrickProtocol)
	require.NoError(t, err)
	assert.Equal(t, model.Ref{ID: 249, Name: "Encerrado"}, d.Status)
	require.True(t, d.NotesKnown)
	assert.Len(t, d.Notes, 2)
	ps, err := r.mosia.LatestProtocols(context.Background(), sandbox.SeedPatrick, 3)
	require.NoError(t, err)
	assert.Equal(t, "Encerrado", ps[0].Status.Name)
	for _, e := range events.all() {
		if e.Kind == outbox.EventSent {
			assert.Equal(t, patrickProtocol, e.Protocol)
		}
	}
}

// Answers lost after Mosia applied the change, connections dropped and 5xx: every note, status change and
// activation takes effect exactly once, over real HTTP.
func TestFollowUpsUnderFaultsTakeEffectOnce(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	var items []outbox.Item
	var protocols, requesters []string
	for i := range 6 {
		p, req := r.draft(t, i)
		protocols, requesters = append(protocols, p), append(requesters, req)
		items = append(items, r.follow(t, activation(p, req),
			model.FollowUp{Protocol: p, Requester: req, AttendantID: 7, Note: &model.NoteAction{Text: fmt.Sprintf("nota %d", i)}},
			closing(p, req))...)
	}
	r.sb.SetFaults(sandbox.Faults{DropAfterCreate: 0.4, FailRate: 0.15, DropRate: 0.1, Scope: sandbox.ScopeMosiaWrite})
	opts := r.testOptions("w")
	opts.Workers = 3
	s := r.sender(r.box, opts)
	events := collect(s)
	run(t, s)
	waitDone(t, r.box)
	assertAllSent(t, r.box, items)
	waitSent(t, len(items), events)
	found := 0
	for _, e := range events.all() {
		if e.Kind == outbox.EventSent && e.Deduplicated {
			found++
		}
	}
	for i, p := range protocols {
		rec := r.record(t, p)
		assert.Equal(t, []string{"ativar", "anotacao", "status"}, rec.Applied, "protocol %d (%s)", i, requesters[i])
	}
	t.Logf("18 follow-ups on 6 protocols, each applied once; %d found applied by the check", found)
	assert.Positive(t, found, "lost answers were recognised, not resent")
}

// When Mosia's detail does not list notes (as its published example), a note whose answer was lost cannot be
// checked: it waits for a person instead of being sent twice.
func TestNoteWithoutNotesInTheDetailWaitsForAPerson(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 7, Beneficiaries: 300, DetailWithoutNotes: true})
	require.NoError(t, sb.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = sb.Close() })
	r := newRigOn(t, sb)
	it := r.follow(t, note(patrickProtocol, "Pedido de retorno por telefone.", true))[0]
	s := r.sender(r.box, r.testOptions("console"))
	sb.ScriptFollowUps(sandbox.ScriptDropAfterCreate)

	got, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Pending, got.State)
	assert.True(t, got.Uncertain, "the note may have reached Mosia")
	assert.Contains(t, got.LastError, "confere o protocolo")
	require.Len(t, r.record(t, patrickProtocol).Notes, 1, "Mosia has it")

	got, err = s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.NeedsReview, got.State)
	assert.Contains(t, got.LastError, "não lista as anotações")
	assert.Len(t, r.record(t, patrickProtocol).Notes, 1, "not sent twice")

	// A person finds it in Mosia: recorded, never sent again.
	require.NoError(t, r.box.ResolveFollowUp(context.Background(), it.ID, true, time.Now()))
	got, err = s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assert.Len(t, r.record(t, patrickProtocol).Notes, 1)
}

// A status change whose answer was lost, on a protocol someone else changed since: resending could undo the other
// change, so a person decides.
func TestStatusChangedByOthersSinceWaitsForAPerson(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	it := r.follow(t, closing(patrickProtocol, sandbox.SeedPatrick))[0]
	s := r.sender(r.box, r.testOptions("console"))
	r.sb.ScriptFollowUps(sandbox.ScriptDropAfterCreate)
	got, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	require.True(t, got.Uncertain)

	time.Sleep(5 * time.Millisecond) // the other change comes later on Mosia's millisecond clock (ordering, not timing)
	other := model.FollowUp{Protocol: patrickProtocol, Requester: sandbox.SeedPatrick,
		Status: &model.StatusAction{StatusID: 386}}
	require.NoError(t, r.mosia.ChangeStatus(context.Background(), other))

	got, err = s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.NeedsReview, got.State)
	assert.Contains(t, got.LastError, "mudou depois da nossa tentativa")
	assert.Equal(t, 2, r.record(t, patrickProtocol).StatusChanges, "ours once, the other once: nothing undone")

	// The person says ours did not stick: sent again, now.
	require.NoError(t, r.box.ResolveFollowUp(context.Background(), it.ID, false, time.Now()))
	got, err = s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assert.Equal(t, "Encerrado", r.record(t, patrickProtocol).Status.Descricao)
}

// A refused follow-up carries Mosia's own words, waits for the attendant, and can be dropped by a person.
func TestRefusedFollowUpKeepsMosiasWordsAndCanBeDiscarded(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	it := r.follow(t, activation(patrickProtocol, sandbox.SeedPatrick))[0] // not a draft
	s := r.sender(r.box, r.testOptions("console"))
	got, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.NeedsCorrection, got.State)
	assert.Contains(t, got.LastError, "A ocorrência não está em rascunho")
	assert.False(t, got.Uncertain)
	n, err := r.box.PendingCount(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "shown in Pendências")

	require.NoError(t, r.box.Discard(context.Background(), it.ID, time.Now()))
	got, err = r.box.Get(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Discarded, got.State)
	n, err = r.box.PendingCount(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Zero(t, r.record(t, patrickProtocol).Activations)
}

// newRigOn is a rig on a sandbox the test started with options of its own.
func newRigOn(t *testing.T, sb *sandbox.Sandbox) *rig {
	t.Helper()
	r := &rig{sb: sb, path: t.TempDir() + "/outbox.db", cat: sb.Catalogue()}
	r.mosia = newMosia(sb.MosiaURL(), sandbox.DefaultMosiaToken)
	t.Cleanup(func() { _ = r.mosia.Close() })
	r.box = r.open(t)
	return r
}

// The attendant asks to send the closing now while the note before it still waits: it says why it waits.
func TestFollowUpSentNowWaitsForTheEarlierOne(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	items := r.follow(t, note(patrickProtocol, "Primeiro.", false), closing(patrickProtocol, sandbox.SeedPatrick))
	s := r.sender(r.box, r.testOptions("console"))
	r.sb.ScriptFollowUps(sandbox.ScriptFail)
	got, err := s.SendNow(context.Background(), items[0].ID)
	require.NoError(t, err)
	require.Equal(t, outbox.Pending, got.State, "the note met a 5xx")
	got, err = s.SendNow(context.Background(), items[1].ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Pending, got.State)
	assert.Contains(t, got.LastError, "ação anterior no mesmo protocolo")
	assert.Empty(t, r.record(t, patrickProtocol).Applied, "nothing overtook the note")
}
