package directory

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func TestWarmLoadsNamesAndSearchAgrees(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dir.db")
	d, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{
		{ChaveUnica: "52998224725", CPF: "52998224725", Name: "João da Silva"},
		{ChaveUnica: "23576483098", CPF: "23576483098", Name: "Maria Souza"},
	}))
	require.NoError(t, d.Close())

	d, err = Open(ctx, path, Options{})
	require.NoError(t, err)
	defer d.Close()
	done := make(chan error, 1)
	go func() { done <- d.Warm(ctx) }() // concurrently with a search, as the console does
	ms, err := d.Search(ctx, model.Classify("silva joao"), 10)
	require.NoError(t, err)
	require.NoError(t, <-done)
	require.Len(t, ms, 1)
	assert.Equal(t, "João da Silva", ms[0].Beneficiary.Name)
	ms, err = d.Search(ctx, model.Classify("souza"), 10)
	require.NoError(t, err)
	require.Len(t, ms, 1)
}
