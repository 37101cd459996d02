package directory_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// copyFile copies a test file into a temporary directory and returns the copy's path.
func copyFile(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	require.NoError(t, os.WriteFile(dst, b, 0o600))
	return dst
}

// openLogged opens path with a JSON logger and returns the directory and what it logged, one map a record.
func openLogged(t *testing.T, path string) (*directory.Directory, []map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	d, err := directory.Open(context.Background(), path, directory.Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	var recs []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		if len(line) > 0 {
			var r map[string]any
			require.NoError(t, json.Unmarshal(line, &r))
			recs = append(recs, r)
		}
	}
	return d, recs
}

// TestOpenRebuildsLegacyFixture opens a real directory file written by the code before layout 6
// (testdata/diretorio-v5.db: schema_version 5, user_version 0; the first 60 beneficiaries of
// sandbox.NewDataset(1, 60) plus one upserted person): it is rebuilt from its records, logged, and then
// everyone is found by every identifier, in the current version.
func TestOpenRebuildsLegacyFixture(t *testing.T) {
	ctx := context.Background()
	path := copyFile(t, filepath.Join("testdata", "diretorio-v5.db"))
	info, err := directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, directory.Info{Version: directory.Version{Layout: 5}, Want: directory.CurrentVersion(),
		Beneficiaries: 61, Rebuild: true}, info)

	d, logged := openLogged(t, path)
	require.Len(t, logged, 2, "rebuild started and done")
	assert.Equal(t, "directory rebuilt", logged[1]["msg"])
	assert.Equal(t, "5.0", logged[1]["from_version"])
	assert.Equal(t, directory.CurrentVersion().String(), logged[1]["to_version"])
	assert.EqualValues(t, 61, logged[1]["rows"])
	assert.Contains(t, logged[1], "duration")

	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, 61, n)
	ana := []string{"Ana Fixture Legada|0000009", "Ana Fixture Legada|0000010"}
	for _, c := range []struct {
		by, term string
		want     []string
	}{
		{"CPF", "529.982.247-25", ana},
		{"chaveUnica", "52998224725", ana},
		{"name", "ana fixture legada", ana},
		{"name prefix and birth date", "fixt 12/03/1980", ana},
		{"contract", "0000009", ana[:1]},
		{"other contract", "0000010", ana[1:]},
		{"matrícula shared with João Pedro", "123-123-321",
			append([]string{"João Pedro|0000001", "João Pedro|0000002"}, ana...)},
	} {
		assert.Equal(t, c.want, dirtest.Rows(dirtest.Search(t, d, c.term)), c.by)
	}
	byPhone := dirtest.Rows(dirtest.Search(t, d, "(11) 98765-4321"))
	assert.Subset(t, byPhone, ana, "phone")

	ds := sandbox.NewDataset(1, 60)
	for i := range ds.Len() {
		want := ds.Beneficiary(i)
		got, ok, err := d.ByCard(ctx, want.Card)
		require.NoError(t, err)
		require.True(t, ok, "beneficiary %d", i)
		assert.Equal(t, want.Name, got.Name, "beneficiary %d", i)
		ms, err := d.Search(ctx, model.Query{IDs: []model.Identifier{{Value: want.ChaveUnica,
			Kinds: []model.IDKind{model.IDChaveUnica}}}}, 0)
		require.NoError(t, err)
		require.NotEmpty(t, ms, "beneficiary %d by chaveUnica", i)
	}
	require.NoError(t, d.Close())

	info, err = directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, directory.Info{Version: directory.CurrentVersion(), Want: directory.CurrentVersion(),
		Beneficiaries: 61}, info)
	_, logged = openLogged(t, path)
	assert.Empty(t, logged, "a current file is not rebuilt")
}

// execSQL runs statements on a directory file through plain SQL.
func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	for _, s := range stmts {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
}

// TestOpenRebuildsOnRankingChange: a file of the current layout whose rank keys were given by another
// ranking is rebuilt too.
func TestOpenRebuildsOnRankingChange(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := dirtest.People()
	require.NoError(t, directory.Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	execSQL(t, path, `UPDATE directory_meta SET value = '0' WHERE key = 'ranking_version'`)
	info, err := directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, directory.Version{Layout: directory.LayoutVersion}, info.Version)
	assert.True(t, info.Rebuild)

	d, logged := openLogged(t, path)
	require.Len(t, logged, 2)
	assert.Equal(t, directory.Version{Layout: directory.LayoutVersion}.String(), logged[1]["from_version"])
	assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(dirtest.Search(t, d, "529.982.247-25")))
	info, err = directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, index.RankingVersion, info.Version.Ranking)
	assert.False(t, info.Rebuild)
}

// TestNewerLayoutIsRefused: a file written by a newer build is neither opened, nor rebuilt, nor replaced.
func TestNewerLayoutIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := dirtest.People()
	require.NoError(t, directory.Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	execSQL(t, path, `PRAGMA user_version = 99`)
	info, err := directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.True(t, info.TooNew)
	assert.False(t, info.Rebuild)

	_, err = directory.Open(ctx, path, directory.Options{})
	require.ErrorIs(t, err, directory.ErrVersion)
	require.ErrorIs(t, err, migrate.ErrTooNew)
	err = directory.Build(ctx, path, 1, func(int) model.Beneficiary { return people[0] })
	require.ErrorIs(t, err, directory.ErrVersion)
	info, err = directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, directory.Info{Version: directory.Version{Layout: 99, Ranking: index.RankingVersion},
		Want: directory.CurrentVersion(), Beneficiaries: len(people), TooNew: true}, info)
}

// TestInspectNewAndMissingFiles: Inspect neither creates a missing file nor needs a directory in an empty one.
func TestInspectNewAndMissingFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	_, err := directory.Inspect(ctx, path)
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = os.Stat(path)
	require.ErrorIs(t, err, fs.ErrNotExist, "Inspect creates nothing")

	require.NoError(t, os.WriteFile(path, nil, 0o600))
	info, err := directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, directory.Info{Want: directory.CurrentVersion()}, info)

	d := dirtest.OpenPath(t, path)
	require.NoError(t, d.Close())
	info, err = directory.Inspect(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, directory.Info{Version: directory.CurrentVersion(), Want: directory.CurrentVersion()}, info)
}
