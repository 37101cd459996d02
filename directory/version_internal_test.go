package directory

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

// TestRebuildCancelled cancels opening an older file before its rebuild starts and once the new file is built:
// either way Open returns the context's error, the old file is intact and no built file is left behind, and
// a later Open rebuilds it.
func TestRebuildCancelled(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "diretorio-v5.db"))
	require.NoError(t, err)
	old := Info{Version: Version{Layout: 5}, Want: CurrentVersion(), Beneficiaries: 61, Rebuild: true}
	for _, when := range []string{"before", "built"} {
		t.Run(when, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "d.db")
			require.NoError(t, os.WriteFile(path, src, 0o600))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if when == "before" {
				cancel()
			} else {
				testHookRebuilt = cancel
				defer func() { testHookRebuilt = nil }()
			}
			_, err := Open(ctx, path, Options{})
			require.ErrorIs(t, err, context.Canceled)
			testHookRebuilt = nil

			info, err := Inspect(context.Background(), path)
			require.NoError(t, err)
			assert.Equal(t, old, info, "the old file is intact")
			leftovers, err := filepath.Glob(filepath.Join(dir, "*.build-*"))
			require.NoError(t, err)
			assert.Empty(t, leftovers)

			d, err := Open(context.Background(), path, Options{})
			require.NoError(t, err)
			defer d.Close()
			ms, err := d.Search(context.Background(), model.Classify("ana fixture"), 0)
			require.NoError(t, err)
			assert.Len(t, ms, 2)
		})
	}
}
