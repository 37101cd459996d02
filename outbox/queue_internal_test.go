package outbox

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func TestProtocolTakenIsRecognised(t *testing.T) {
	ctx := context.Background()
	q, err := Open(filepath.Join(t.TempDir(), "o.db"))
	require.NoError(t, err)
	defer q.Close()
	a, _ := q.Submit(ctx, "a", model.Occurrence{TypeID: 1})
	b, _ := q.Submit(ctx, "a", model.Occurrence{TypeID: 1})
	require.NoError(t, q.MarkSent(ctx, a.ID, "P1", time.Now()))
	err = q.MarkSent(ctx, b.ID, "P1", time.Now())
	require.ErrorIs(t, err, ErrProtocolTaken)
}

func TestPurgeKeepsOnlyProtocolTimesAndAttendant(t *testing.T) {
	ctx := context.Background()
	q, err := Open(filepath.Join(t.TempDir(), "o.db"))
	require.NoError(t, err)
	defer q.Close()
	occ := model.Occurrence{TypeID: 1, Requester: model.Party{Name: "Ana Souza", ChaveUnica: "52998224725"}, Note: "texto"}
	old, _ := q.Submit(ctx, "ana", occ)
	recent, _ := q.Submit(ctx, "ana", occ)
	pending, _ := q.Submit(ctx, "ana", occ)
	flagged, _ := q.Submit(ctx, "ana", occ)
	long := time.Now().Add(-100 * 24 * time.Hour)
	require.NoError(t, q.MarkSent(ctx, old.ID, "P1", long))
	require.NoError(t, q.MarkSent(ctx, recent.ID, "P2", time.Now()))
	require.NoError(t, q.MarkSent(ctx, flagged.ID, "P3", long))
	require.NoError(t, q.Flag(ctx, flagged.ID, "confira"))

	n, err := q.Purge(ctx, 90*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := q.Get(ctx, old.ID)
	require.NoError(t, err)
	assert.True(t, got.Purged)
	assert.Equal(t, model.Occurrence{}, got.Occurrence, "no name, CPF or text is kept")
	assert.Equal(t, "P1", got.Protocol)
	assert.Equal(t, "ana", got.Attendant)
	assert.False(t, got.CreatedAt.IsZero())
	for _, id := range []string{recent.ID, pending.ID, flagged.ID} {
		it, err := q.Get(ctx, id)
		require.NoError(t, err)
		assert.False(t, it.Purged, id)
		assert.Equal(t, "texto", it.Occurrence.Note, "recent, unsent and flagged items keep their content")
	}
}
