package outbox

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/pgsql"
)

const proto = "1111120240710000017"

func followUps() []model.FollowUp {
	base := model.FollowUp{Protocol: proto, Requester: "13331584754", Beneficiary: "41823957609", AttendantID: 44}
	n, s, a := base, base, base
	n.Note = &model.NoteAction{Text: "Cliente ligou — pediu retorno.\nSegunda linha.", Public: true}
	s.Status = &model.StatusAction{StatusID: 249, StatusName: "Encerrado", ReasonID: 2261,
		ReasonName: "Solicitação atendida", Outcome: "Resolvido."}
	a.Activate = true
	return []model.FollowUp{n, s, a}
}

func TestFollowUpSurvivesReopenAsItWentIn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "outbox.db")
	q, err := Open(path)
	require.NoError(t, err)
	var ids []string
	for _, f := range followUps() {
		it, err := q.SubmitFollowUp(ctx, "ana", f)
		require.NoError(t, err)
		ids = append(ids, it.ID)
	}
	require.NoError(t, q.Close())

	q = outboxOpenTest(t, path)
	for i, want := range followUps() {
		got, err := q.Get(ctx, ids[i])
		require.NoError(t, err)
		assert.Equal(t, want, got.FollowUp, "the action comes back as it went in")
		assert.Equal(t, []Kind{KindNote, KindStatus, KindActivate}[i], got.Kind)
		assert.Equal(t, proto, got.Target())
		assert.Empty(t, got.Protocol, "a follow-up holds no protocol of its own")
		assert.Equal(t, "41823957609", got.ChaveUnica(), "filed under the beneficiary")
		assert.Equal(t, Pending, got.State)
	}
	items, err := q.ForProtocol(ctx, proto, false)
	require.NoError(t, err)
	assert.Len(t, items, 3)
	none, err := q.ForProtocol(ctx, "999", false)
	require.NoError(t, err)
	assert.Empty(t, none)
	n, err := q.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n, "Pendências counts them")
}

func TestFollowUpSummaries(t *testing.T) {
	fs := followUps()
	tests := []struct {
		it   Item
		want string
	}{
		{Item{Kind: KindNote, FollowUp: fs[0]}, "Anotação pública no protocolo " + proto + ": “Cliente ligou — pediu retorno. Segunda…”"},
		{Item{Kind: KindStatus, FollowUp: fs[1]}, "Protocolo " + proto + " para “Encerrado” (Solicitação atendida)"},
		{Item{Kind: KindActivate, FollowUp: fs[2]}, "Ativar o rascunho " + proto},
		{Item{Kind: KindOccurrence, Occurrence: model.Occurrence{Requester: model.Party{Name: "Ana"}}}, "Nova ocorrência para Ana"},
		{Item{Kind: KindOccurrence, Protocol: "P1", Occurrence: model.Occurrence{Requester: model.Party{Name: "Ana"},
			Beneficiary: &model.Party{Name: "Bia"}}}, "Ocorrência P1 para Bia"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.it.Summary())
	}
}

func TestFollowUpRefusedBeforeStoring(t *testing.T) {
	ctx := context.Background()
	q := outboxOpenTest(t, "")
	bad := []model.FollowUp{
		{Protocol: proto, Note: &model.NoteAction{Text: "  "}},
		{Protocol: "abc", Activate: true},
		{Protocol: proto},
		{Protocol: proto, Activate: true, Note: &model.NoteAction{Text: "x"}},
		{Protocol: proto, Status: &model.StatusAction{StatusID: 249}},                                        // no requester
		{Protocol: proto, Requester: "1", Status: &model.StatusAction{StatusID: 249, Outcome: "sem motivo"}}, // no reason
	}
	for _, f := range bad {
		_, err := q.SubmitFollowUp(ctx, "ana", f)
		require.ErrorIs(t, err, model.ErrFollowUp, "%+v", f)
		assert.NotEmpty(t, err.Error())
	}
	n, err := q.PendingCount(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing stored")
}

// Follow-ups on one protocol go one at a time and in order; another protocol's are not held back.
func TestFollowUpsOnAProtocolGoInOrder(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { followUpsInOrder(t, outboxOpenTest(t, "")) })
	t.Run("postgres", func(t *testing.T) { followUpsInOrder(t, postgresQueue(t)) })
}

// postgresQueue is a queue on a fresh PostgreSQL database (the store of fleet mode).
func postgresQueue(t *testing.T) *Queue {
	pool, err := pgsql.Open(context.Background(), pgtest.URL(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := OpenPostgres(context.Background(), pool)
	require.NoError(t, err)
	return NewQueue(st)
}

// followUpsInOrder: follow-ups on one protocol go one at a time and in order, even asked for by id; another
// protocol's go meanwhile; and a listing by protocol finds them.
func followUpsInOrder(t *testing.T, q *Queue) {
	ctx := context.Background()
	fs := followUps()
	first, _ := q.SubmitFollowUp(ctx, "ana", fs[0])
	second, _ := q.SubmitFollowUp(ctx, "ana", fs[1])
	other := fs[2]
	other.Protocol = "2222220240710000001"
	elsewhere, _ := q.SubmitFollowUp(ctx, "ana", other)
	now := time.Now()

	got, ok, err := q.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, first.ID, got.ID)
	// The first fails and waits its backoff: the second may not overtake it.
	require.NoError(t, q.MarkRetry(ctx, first.ID, "w", "fora do ar", now.Add(time.Hour), false))
	got, ok, err = q.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, elsewhere.ID, got.ID, "another protocol's follow-up goes")
	require.NoError(t, q.MarkDone(ctx, elsewhere.ID, now))
	_, ok, err = q.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	assert.False(t, ok, "the closing waits for the note")
	_, _, err = q.ClaimID(ctx, second.ID, "w", time.Minute, now)
	assert.ErrorIs(t, err, ErrHeldBack, "even when asked for by id")

	got, ok, err = q.Claim(ctx, "w", time.Minute, now.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, first.ID, got.ID)
	require.NoError(t, q.MarkDone(ctx, first.ID, now))
	got, ok, err = q.Claim(ctx, "w", time.Minute, now.Add(time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, second.ID, got.ID)
	listed, err := q.ForProtocol(ctx, proto, true)
	require.NoError(t, err)
	require.Len(t, listed, 2)
	assert.Equal(t, []string{first.ID, second.ID}, []string{listed[0].ID, listed[1].ID})
}

func TestFollowUpCorrectDiscardAndKinds(t *testing.T) {
	ctx := context.Background()
	q := outboxOpenTest(t, "")
	fs := followUps()
	it, _ := q.SubmitFollowUp(ctx, "ana", fs[0])
	occ, _ := q.Submit(ctx, "ana", outboxTestReq("52998224725"))

	assert.ErrorIs(t, q.Resubmit(ctx, it.ID, outboxTestReq("1")), ErrWrongKind, "an occurrence cannot replace a note")
	assert.ErrorIs(t, q.ResubmitFollowUp(ctx, occ.ID, fs[0]), ErrWrongKind)
	assert.ErrorIs(t, q.ResubmitFollowUp(ctx, it.ID, fs[2]), ErrWrongKind, "a note stays a note")
	assert.ErrorIs(t, q.MarkSent(ctx, it.ID, "P9", time.Now()), ErrWrongKind)
	assert.ErrorIs(t, q.Discard(ctx, it.ID, time.Now()), ErrNotDiscardable, "only refused or doubtful ones")

	_, ok, err := q.ClaimID(ctx, it.ID, "w", time.Minute, time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, q.MarkNeedsCorrection(ctx, it.ID, "w", "O Mosia recusou", false))
	fixed := fs[0]
	fixed.Note = &model.NoteAction{Text: "Texto corrigido", Public: false}
	require.NoError(t, q.ResubmitFollowUp(ctx, it.ID, fixed))
	got, err := q.Get(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, Pending, got.State)
	assert.Equal(t, "Texto corrigido", got.FollowUp.Note.Text)

	_, ok, err = q.ClaimID(ctx, it.ID, "w", time.Minute, time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, q.MarkNeedsCorrection(ctx, it.ID, "w", "O Mosia recusou de novo", false))
	require.NoError(t, q.Discard(ctx, it.ID, time.Now()))
	got, err = q.Get(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, Discarded, got.State)
	assert.ErrorIs(t, q.Discard(ctx, occ.ID, time.Now()), ErrNotDiscardable, "occurrences are never discarded")
}

func TestPurgeKeepsAFollowUpsKindAndProtocol(t *testing.T) {
	ctx := context.Background()
	q := outboxOpenTest(t, "")
	var ids []string
	for _, f := range followUps() {
		it, err := q.SubmitFollowUp(ctx, "ana", f)
		require.NoError(t, err)
		require.NoError(t, q.MarkDone(ctx, it.ID, time.Now().Add(-100*24*time.Hour)))
		ids = append(ids, it.ID)
	}
	n, err := q.Purge(ctx, 90*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for i, id := range ids {
		got, err := q.Get(ctx, id)
		require.NoError(t, err)
		assert.True(t, got.Purged)
		assert.Equal(t, []Kind{KindNote, KindStatus, KindActivate}[i], got.Kind)
		assert.Equal(t, proto, got.Target(), "the protocol stays")
		assert.Empty(t, got.FollowUp.Requester, "the content goes")
		if got.FollowUp.Note != nil {
			assert.Empty(t, got.FollowUp.Note.Text)
		}
	}
	all, err := q.List(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 3, "every row still reads")
}
