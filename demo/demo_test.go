package demo

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

func TestDirectoryIsBuiltOnceAndFindsTheSeedPeople(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	path, err := Directory(ctx, cache, 7, 500)
	require.NoError(t, err)
	st1, err := os.Stat(path)
	require.NoError(t, err)

	again, err := Directory(ctx, cache, 7, 500)
	require.NoError(t, err)
	assert.Equal(t, path, again, "same dataset, same cached file")
	st2, err := os.Stat(again)
	require.NoError(t, err)
	assert.Equal(t, st1.ModTime(), st2.ModTime(), "the cached directory is reused, not rebuilt")

	stale := filepath.Join(cache, "demo-v1.6.1-s7-n500-abc.db")
	require.NoError(t, os.WriteFile(stale, nil, 0o600))
	require.NoError(t, os.WriteFile(stale+".index-x", nil, 0o600))
	other, err := Directory(ctx, cache, 8, 500)
	require.NoError(t, err)
	assert.NotEqual(t, path, other, "another seed is another directory")
	assert.FileExists(t, path, "another dataset of this version is kept")
	assert.NoFileExists(t, stale, "another version's is removed when a directory is built")
	assert.NoFileExists(t, stale+".index-x")

	dir, err := directory.Open(ctx, path, directory.Options{})
	require.NoError(t, err)
	defer dir.Close()
	n, err := dir.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, 500, n)

	ds := sandbox.NewDataset(7, 500)
	for _, key := range []string{"15846772777", "13331584754", "23576483098"} {
		ms, err := dir.Search(ctx, model.Classify(key), 50)
		require.NoError(t, err)
		require.NotEmpty(t, ms, key)
		b, ok := ds.ByCard(ms[0].Beneficiary.Card)
		require.True(t, ok, "every demo result opens in the sandbox's TOTVS: %s", ms[0].Beneficiary.Card)
		assert.Equal(t, ms[0].Beneficiary.ChaveUnica, b.ChaveUnica)
	}
}

// The demonstration catalogue must offer exactly the ids the sandbox's Mosia accepts and lists.
func TestDemoCatalogueMatchesTheSandbox(t *testing.T) {
	sb := sandbox.DefaultCatalogue()
	cfg := config.DefaultCatalogue()
	assert.Equal(t, sb.IDFuncionalidade, cfg.IDFuncionalidade)
	require.Len(t, cfg.Types, len(sb.Types))
	for _, st := range sb.Types {
		ct, ok := cfg.TypeByID(st.ID)
		require.True(t, ok, "type %d", st.ID)
		assert.Equal(t, st.Name, ct.Name)
		require.Len(t, ct.Subjects, len(st.Subjects), "subjects of %d", st.ID)
		for _, ss := range st.Subjects {
			cs, ok := ct.SubjectByID(ss.ID)
			require.True(t, ok, "subject %d of %d", ss.ID, st.ID)
			assert.Equal(t, ss.Name, cs.Name)
		}
	}
	require.Len(t, cfg.Forms, len(sb.Forms))
	for i := range sb.Forms {
		assert.Equal(t, sb.Forms[i].ID, cfg.Forms[i].ID)
		require.Len(t, cfg.Forms[i].Fields, len(sb.Forms[i].Fields))
		for j, f := range sb.Forms[i].Fields {
			c := cfg.Forms[i].Fields[j]
			assert.Equal(t, []any{f.Key, f.Kind, f.Required, f.Options}, []any{c.Key, c.Kind, c.Required, c.Options})
		}
	}
}
