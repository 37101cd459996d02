package directory_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/model"
)

// copyTo copies the file at src into f and closes f.
func copyTo(t *testing.T, f *os.File, src string) {
	t.Helper()
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	_, err = io.Copy(f, in)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// everyone reads a directory's beneficiaries, sorted by chaveUnica.
func everyone(t *testing.T, d *directory.Directory) []model.Beneficiary {
	t.Helper()
	var out []model.Beneficiary
	require.NoError(t, d.Each(context.Background(), func(b model.Beneficiary) error { out = append(out, b); return nil }))
	slices.SortFunc(out, func(a, b model.Beneficiary) int { return strings.Compare(a.ChaveUnica, b.ChaveUnica) })
	return out
}

// TestExportedFilesAreReceivedOnlyWhenTheyMatch: a directory's files, exported with upserts not yet folded
// into its name index (a delta), are received next to another directory, which then holds the same
// beneficiaries and finds the upserted ones, its files private (0600) and no temporary file left. Files that do
// not make the directory they are said to be — another beneficiary count or index base, a broken index file, a
// database of an older layout — are refused with a typed error and leave the receiving directory as it was.
func TestExportedFilesAreReceivedOnlyWhenTheyMatch(t *testing.T) {
	ctx := context.Background()
	src := dirtest.Open(t, dirtest.GenNames(400, 3))
	added := model.Beneficiary{CPF: dirtest.CPF(900_001), Card: dirtest.Card(9001), Name: "Xisto Novato Adicionado",
		Contracts: []model.ContractRef{{Number: "NOVO-1"}}}
	require.NoError(t, src.Upsert(ctx, []model.Beneficiary{added}))
	var fs directory.Files
	require.NoError(t, src.Export(ctx, func(f directory.Files) error { fs = f; return nil }))
	assert.Equal(t, directory.CurrentVersion(), fs.Version)
	assert.Equal(t, 401, fs.Beneficiaries)

	broken := filepath.Join(t.TempDir(), "broken-index")
	b, err := os.ReadFile(fs.Index)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(broken, b[:len(b)/2], 0o600))

	tests := []struct {
		name      string
		db, index string
		want      func(directory.Files) directory.Files
		err       error
	}{
		{"the files as exported", fs.DB, fs.Index, func(f directory.Files) directory.Files { return f }, nil},
		{"another beneficiary count", fs.DB, fs.Index, func(f directory.Files) directory.Files { f.Beneficiaries++; return f }, directory.ErrReceived},
		{"another index base", fs.DB, fs.Index, func(f directory.Files) directory.Files { f.Base = "outra"; return f }, directory.ErrReceived},
		{"a broken index file", fs.DB, broken, func(f directory.Files) directory.Files { return f }, directory.ErrReceived},
		{"a database of layout 5", filepath.Join("testdata", "diretorio-v5.db"), fs.Index,
			func(f directory.Files) directory.Files { return f }, directory.ErrVersion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := dirtest.Open(t, dirtest.GenNames(50, 9))
			before := everyone(t, dst)
			rc, err := dst.NewReceiver()
			require.NoError(t, err)
			f, err := rc.DB()
			require.NoError(t, err)
			copyTo(t, f, tc.db)
			f, err = rc.Index()
			require.NoError(t, err)
			copyTo(t, f, tc.index)
			err = rc.Install(ctx, tc.want(fs))
			rc.Close()
			assert.Empty(t, leftovers(t, dst.Path()))
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Equal(t, before, everyone(t, dst), "the directory is as it was")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, everyone(t, src), everyone(t, dst))
			assert.Len(t, dirtest.Search(t, dst, "xisto novato"), 1, "an upsert of the source, in its delta")
			for _, p := range append(indexFiles(t, dst.Path()), dst.Path()) {
				st, err := os.Stat(p)
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), p)
			}
			assert.Len(t, indexFiles(t, dst.Path()), 1, "the old index file is gone")
		})
	}
}
