package directory_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/model"
)

// TestUpsertsAreADeltaOverTheBase: upserts into a built directory leave its name index file as it is (no
// rebuild); their rows are found at once, in this process and by another that had the directory open, and
// the rows they replaced are not; once the delta passes its threshold it is folded into a new index file,
// the old one removed, and every search answers as before.
func TestUpsertsAreADeltaOverTheBase(t *testing.T) {
	defer directory.SetCompactMin(50_000)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := dirtest.GenNames(2000, 51)
	require.NoError(t, directory.Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	base := indexFiles(t, path)
	require.Len(t, base, 1)
	d, other := dirtest.OpenPath(t, path), dirtest.OpenPath(t, path)
	require.NoError(t, other.Warm(ctx))

	renamed := people[10]
	renamed.Name = "Zuleica Quaresma Renomeada"
	added := model.Beneficiary{CPF: dirtest.CPF(900_001), Card: dirtest.Card(9001), Name: "Xisto Novato Adicionado",
		Phone: "11912345678", Contracts: []model.ContractRef{{Number: "NOVO-1"}}}
	moved := people[11]
	moved.Contracts = append(moved.Contracts, model.ContractRef{Number: "EXTRA-9"})
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{renamed, added, moved}))
	assert.Equal(t, base, indexFiles(t, path), "the base is not rebuilt")

	for name, dir := range map[string]*directory.Directory{"this process": d, "another": other} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, []string{"Zuleica Quaresma Renomeada|" + renamed.Contracts[0].Number},
				dirtest.Rows(dirtest.Search(t, dir, "zuleica quar")))
			assert.Empty(t, dirtest.Search(t, dir, people[10].Name+" "+people[10].CPF), "the old name is gone")
			assert.Len(t, dirtest.Search(t, dir, "xisto novato"), 1)
			assert.Len(t, dirtest.Search(t, dir, "(11) 91234-5678"), 1, "a phone of the delta")
			assert.Len(t, searchContract(t, dir, "NOVO-1"), 1, "a contract of the delta")
			assert.Equal(t, []string{moved.Name + "|EXTRA-9"}, dirtest.Rows(searchContract(t, dir, "EXTRA-9")))
			n, err := dir.Count(ctx)
			require.NoError(t, err)
			assert.Equal(t, len(people)+1, n)
		})
	}

	before := map[string][]string{}
	terms := []string{"maria silva", "jose", "ana s", "zuleica", "xisto", people[500].CPF, "11912345678"}
	for _, term := range terms {
		before[term] = dirtest.Rows(dirtest.Search(t, d, term))
	}
	directory.SetCompactMin(5)
	var log bytes.Buffer
	d2, err := directory.Open(ctx, path, directory.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	defer d2.Close()
	var more []model.Beneficiary
	for i := range 300 {
		more = append(more, model.Beneficiary{CPF: dirtest.CPF(910_000 + i), Card: dirtest.Card(9100 + i),
			Name: fmt.Sprintf("Ana Compactada %c%c", 'a'+i%26, 'a'+i/26)})
	}
	require.NoError(t, d2.Upsert(ctx, more))
	assert.Contains(t, log.String(), "directory name index compacted")
	after := indexFiles(t, path)
	require.Len(t, after, 1)
	assert.NotEqual(t, base, after, "a new base, the old one removed")
	for _, term := range terms {
		assert.Equal(t, before[term], dirtest.Rows(dirtest.Search(t, d2, term)), "%s", term)
		assert.Equal(t, before[term], dirtest.Rows(dirtest.Search(t, other, term)), "%s, another process", term)
	}
	assert.Len(t, dirtest.Search(t, other, "ana compactada"), 50)
}

// TestMissingIndexFileIsRebuilt: a directory file copied without its index file (or whose index file was
// lost) rebuilds it from its records when opened, saying so in the log, and searches as before.
func TestMissingIndexFileIsRebuilt(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := dirtest.GenNames(500, 52)
	require.NoError(t, directory.Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	d := dirtest.OpenPath(t, path)
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: dirtest.CPF(5), Name: "Delta Presente"}}))
	want := dirtest.Rows(dirtest.Search(t, d, "maria"))
	require.NoError(t, d.Close())
	files := indexFiles(t, path)
	require.Len(t, files, 1)
	for _, damage := range []string{"missing", "cut"} {
		t.Run(damage, func(t *testing.T) {
			if damage == "missing" {
				require.NoError(t, os.Remove(files[0]))
			} else {
				require.NoError(t, os.Truncate(files[0], 100))
			}
			var log bytes.Buffer
			d, err := directory.Open(ctx, path, directory.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
			require.NoError(t, err)
			defer d.Close()
			assert.Equal(t, want, dirtest.Rows(dirtest.Search(t, d, "maria")))
			assert.Len(t, dirtest.Search(t, d, "delta presente"), 1)
			assert.Contains(t, log.String(), "directory name index rebuilt from the records")
			assert.Equal(t, files, indexFiles(t, path))
		})
	}
}

// searchContract searches a contract number (letters and digits: as typed, a name word).
func searchContract(t *testing.T, d *directory.Directory, number string) []model.Match {
	t.Helper()
	ms, err := d.Search(context.Background(), model.Query{IDs: []model.Identifier{{Value: number,
		Kinds: []model.IDKind{model.IDContract}}}}, 0)
	require.NoError(t, err)
	return ms
}

// TestDamagedIndexFailsSearchesNotTheProcess: an index file cut short while mapped (the OS then faults on
// its missing pages) makes searches fail with an error wrapping index.ErrFile, never crash the process.
func TestDamagedIndexFailsSearchesNotTheProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := dirtest.GenNames(3000, 53)
	require.NoError(t, directory.Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	var log bytes.Buffer
	d, err := directory.Open(ctx, path, directory.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	defer d.Close()
	require.NoError(t, d.Warm(ctx))
	files := indexFiles(t, path)
	require.Len(t, files, 1)
	require.NoError(t, os.Truncate(files[0], 4096)) // the mapping now faults past the first page
	failed := 0
	for _, term := range []string{"maria", "jose silva", "ana s", "souza"} {
		if _, err := d.Search(ctx, model.Classify(term), 50); err != nil {
			assert.ErrorIs(t, err, index.ErrFile)
			failed++
		}
	}
	assert.Positive(t, failed)
	assert.Contains(t, log.String(), "directory search failed on the name index")
}

// TestBatchUpsertsOfTwoWritersSeeEachOther: two handles on one file (two processes' writers) upsert batches
// in turn, each batch re-sending people the other just added, with a new contract: every batch reads what it
// looks up after taking the write lock, so nobody is added twice, the count is right, and each person holds
// the contracts of both batches.
func TestBatchUpsertsOfTwoWritersSeeEachOther(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := dirtest.GenNames(200, 77)
	require.NoError(t, directory.Build(ctx, path, 100, func(i int) model.Beneficiary { return people[i] }))
	ds := [2]*directory.Directory{dirtest.OpenPath(t, path), dirtest.OpenPath(t, path)}
	for round := range 5 { // round r adds people 100+20r… and re-sends the ones round r-1 added
		var batch []model.Beneficiary
		for i := 100 + 20*max(round-1, 0); i < 100+20*(round+1); i++ {
			b := people[i]
			b.Contracts = []model.ContractRef{{Number: fmt.Sprintf("R%d", round)}}
			batch = append(batch, b)
		}
		require.NoError(t, ds[round%2].Upsert(ctx, batch))
	}
	for _, d := range ds {
		n, err := d.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, 200, n, "no one added twice")
	}
	for round := range 4 {
		rows := dirtest.Rows(searchContract(t, ds[0], fmt.Sprintf("R%d", round)))
		assert.Len(t, rows, map[bool]int{true: 20, false: 40}[round == 0], "round %d's contract", round)
	}
}
