package drafts

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

func TestSaveLoadDeletePurge(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(path)
	require.NoError(t, err)
	defer s.Close()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "drafts are personal data")

	occ := model.Occurrence{TypeID: 3, Note: "pediu segunda via", Requester: model.Party{Name: "ANA"}}
	require.NoError(t, s.Save(ctx, common.Draft{Attendant: "maria", Key: "card:1", Occurrence: occ, Seq: 2}))
	stale := occ
	stale.Note = "pediu"
	require.NoError(t, s.Save(ctx, common.Draft{Attendant: "maria", Key: "card:1", Occurrence: stale, Seq: 1}))

	got, ok, err := s.Load(ctx, "maria", "card:1")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "pediu segunda via", got.Occurrence.Note, "an older save never overwrites a newer one")
	_, ok, err = s.Load(ctx, "joao", "card:1")
	require.NoError(t, err)
	assert.False(t, ok, "a draft is the attendant's own")

	old := common.Draft{Attendant: "maria", Key: "card:2", Occurrence: occ, Updated: time.Now().Add(-10 * 24 * time.Hour)}
	require.NoError(t, s.Save(ctx, old))
	n, err := s.Purge(ctx, time.Now().Add(-DefaultRetention))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "only the abandoned one")

	require.NoError(t, s.Delete(ctx, "maria", "card:1"))
	c, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, c)
}

func TestOpenTightensPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	require.NoError(t, os.WriteFile(path, nil, 0o644))
	s, err := Open(path)
	require.NoError(t, err)
	defer s.Close()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}
