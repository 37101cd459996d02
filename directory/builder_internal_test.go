package directory

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// TestRankOrderThroughRuns checks that pass 2 hands the beneficiaries on in the order of one plain sort by
// (rank base, folded name, identity), ties included, whether the sorts fit in memory or spill many runs.
func TestRankOrderThroughRuns(t *testing.T) {
	defer func(b int) { sortBudget = b }(sortBudget)
	for _, budget := range []int{sortBudget, 4096} {
		for _, n := range []int{10, 9001} {
			t.Run(fmt.Sprint(budget, "/", n), func(t *testing.T) {
				sortBudget = budget
				bk, err := NewBuilder(filepath.Join(t.TempDir(), "d.db"))
				require.NoError(t, err)
				defer bk.Close()
				words := []string{"Ana", "Álvaro", "ana", "Bia", "José", "JOSE", "Zé", "Maria da Silva"}
				type want struct {
					base        int64
					folded      string
					chave, card string
				}
				var ws []want
				seen := map[identity]bool{}
				for i := 0; i < n; i++ {
					b := model.Beneficiary{ChaveUnica: fmt.Sprintf("%011d", (i*7919)%n), Card: fmt.Sprint(i % 3),
						Name: words[i%len(words)] + " " + words[(i/len(words))%len(words)]}
					bk.AddNormalized(b)
					if k := identityOf(&b); !seen[k] {
						seen[k] = true
						f := model.FoldText(b.Name)
						ws = append(ws, want{index.RankBase(f), f, k.chave, k.card})
					}
				}
				require.NoError(t, bk.merge(context.Background()))
				if budget < 1<<20 && n > 1000 {
					require.Greater(t, len(bk.rows.runs), 3, "the sort spilled runs")
				}
				slices.SortFunc(ws, func(a, b want) int {
					return cmp.Or(cmp.Compare(a.base, b.base), strings.Compare(a.folded, b.folded),
						strings.Compare(a.chave, b.chave), strings.Compare(a.card, b.card))
				})
				var got []want
				require.NoError(t, bk.each(context.Background(), func(_ int, b *model.Beneficiary) error {
					f := model.FoldText(b.Name)
					got = append(got, want{index.RankBase(f), f, b.ChaveUnica, b.Card})
					return nil
				}))
				require.Equal(t, ws, got)
			})
		}
	}
}

// TestBuiltFileIsWhole builds a directory through the bulk path, with records long enough to spill to
// overflow pages and keys of every kind, and checks that SQLite finds the file whole and that everyone is
// found by their keys and name.
func TestBuiltFileIsWhole(t *testing.T) {
	defer func(b int) { sortBudget = b }(sortBudget)
	sortBudget = 64 << 10 // runs
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := make([]model.Beneficiary, 3000)
	for i := range people {
		people[i] = model.Beneficiary{ChaveUnica: fmt.Sprintf("chave-%d@exemplo.com", i), CPF: fmt.Sprintf("%011d", 10_000+i),
			Card: fmt.Sprintf("%017d", 50_000+i), Name: fmt.Sprintf("Pessoa %c%c Numero %c", 'a'+i%26, 'a'+i/26%26, 'a'+i/676)}
		if i%100 == 0 {
			people[i].MotherName = strings.Repeat("m", 5000+i)
		}
	}
	require.NoError(t, Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	var check string
	require.NoError(t, db.QueryRow(`PRAGMA integrity_check`).Scan(&check))
	require.Equal(t, "ok", check)
	d, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer d.Close()
	for _, i := range []int{0, 1, 100, 1234, 2999} {
		for _, q := range []model.Query{model.Classify(people[i].Card),
			{IDs: []model.Identifier{{Value: people[i].CPF, Kinds: []model.IDKind{model.IDCPF}}}}} {
			ms, err := d.Search(ctx, q, 5)
			require.NoError(t, err)
			require.Len(t, ms, 1, "%+v", q)
			assert.Equal(t, people[i].Name, ms[0].Beneficiary.Name)
			assert.Equal(t, people[i].MotherName, ms[0].Beneficiary.MotherName)
		}
		ms, err := d.Search(ctx, model.Query{IDs: []model.Identifier{{Value: people[i].ChaveUnica,
			Kinds: []model.IDKind{model.IDChaveUnica}}}}, 5)
		require.NoError(t, err)
		require.Len(t, ms, 1)
		ms, err = d.Search(ctx, model.Classify(people[i].Name), 5)
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		assert.Equal(t, people[i].Name, ms[0].Beneficiary.Name)
	}
}
