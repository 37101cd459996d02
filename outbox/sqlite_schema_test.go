package outbox

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
)

// testdata/ocorrencias-v0.db was written by the first releases (no user_version, Mosia's request body in the
// request column): four items, one never tried, one sent, one refused for correction, one uncertain after two
// lost attempts. Opening it must carry every item forward, nothing lost, nothing changed but the storage.
func TestLegacyOutboxFileIsMigrated(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile(filepath.Join("testdata", "ocorrencias-v0.db"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ocorrencias.db")
	require.NoError(t, os.WriteFile(path, b, 0o644)) // the first releases created it readable by others

	q, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = q.Close() })
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "an outbox holds personal data: 0600")

	items, err := q.List(ctx)
	require.NoError(t, err)
	require.Len(t, items, 4)
	byNote := map[string]Item{}
	for _, it := range items {
		assert.Equal(t, KindOccurrence, it.Kind)
		byNote[it.Occurrence.Note] = it
	}
	want := model.Occurrence{Function: 9298, TypeID: 128, SubjectID: 173,
		Requester: model.Party{Name: "Hernandes Alves da Silva", ChaveUnica: "23576483098", Email: "h@example.com",
			Phone: "11987654321"},
		Beneficiary: &model.Party{Name: "Hernandes Alves da Silva", ChaveUnica: "23576483098"},
		Contract:    "000000000001", Note: "enviada",
		Forms: []model.FormAnswers{{FormID: "64dcd2b1342146345191ee00", Fields: []model.FormAnswer{
			{Key: "seu-nome", Value: "Hernandes"}, {Key: "tipo", Label: "Sugestão", Value: "2", Choice: true}}}},
	}
	sent := byNote["enviada"]
	assert.Equal(t, want, sent.Occurrence)
	assert.Equal(t, Sent, sent.State)
	assert.Equal(t, "1111120240710000017", sent.Protocol)
	assert.Equal(t, "maria", sent.Attendant)
	assert.Equal(t, Pending, byNote["pendente, nunca tentada"].State)
	assert.Zero(t, byNote["pendente, nunca tentada"].Attempts)
	corr := byNote["precisa de correção"]
	assert.Equal(t, NeedsCorrection, corr.State)
	assert.Equal(t, "O Mosia recusou: assunto inválido", corr.LastError)
	unc := byNote["incerta, 2 tentativas"]
	assert.Equal(t, Pending, unc.State)
	assert.Equal(t, 2, unc.Attempts)
	assert.True(t, unc.Uncertain, "an uncertain item stays uncertain: it is checked before any resend")
	assert.False(t, unc.FirstAttemptAt.IsZero())

	holders, err := q.ProtocolHolders(ctx, "1111120240710000017")
	require.NoError(t, err)
	assert.Equal(t, []string{sent.ID}, holders)

	// the migrated file keeps working and reopens at the current version
	require.NoError(t, q.MarkSent(ctx, unc.ID, "1111120240710000099", unc.FirstAttemptAt))
	require.NoError(t, q.Close())
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	v, err := migrate.Version(ctx, db)
	require.NoError(t, err)
	assert.Equal(t, len(schemaSteps), v)
}

func TestNewerOutboxFileIsRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocorrencias.db")
	q, err := Open(path)
	require.NoError(t, err)
	_, err = q.Submit(context.Background(), "ana", model.Occurrence{TypeID: 128, Requester: model.Party{ChaveUnica: "1"}})
	require.NoError(t, err)
	require.NoError(t, q.Close())
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = db.Exec(`PRAGMA user_version = 99`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = Open(path)
	require.ErrorIs(t, err, migrate.ErrTooNew)
}

func TestNewOutboxFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocorrencias.db")
	q, err := Open(path)
	require.NoError(t, err)
	_, err = q.Submit(context.Background(), "ana", model.Occurrence{TypeID: 128, Requester: model.Party{ChaveUnica: "1"}})
	require.NoError(t, err)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		require.NoError(t, err, p)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
	require.NoError(t, q.Close())
}
