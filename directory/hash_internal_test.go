package directory

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// hashTwins finds two numbers without leading zeros whose index.KeyHash is the same.
func hashTwins(t *testing.T) (string, string) {
	t.Helper()
	seen := map[uint32]string{}
	for i := 1_000_000; i < 3_000_000; i++ {
		s := strconv.Itoa(i)
		h := index.KeyHash(s)
		if other, ok := seen[h]; ok {
			return other, s
		}
		seen[h] = s
	}
	t.Fatal("no two numbers share a hash")
	return "", ""
}

// TestHashedIdentifiersAreCheckedOnTheRows gives two people a contract number and a matrícula each that
// share their hash with the other's: a search finds only the right person, also after the name index is
// read back from the file and after an upsert changes them.
func TestHashedIdentifiersAreCheckedOnTheRows(t *testing.T) {
	x, y := hashTwins(t)
	require.Equal(t, index.KeyHash(x), index.KeyHash(y))
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := []model.Beneficiary{
		{ChaveUnica: "52998224725", Name: "Ana Souza", IDMatricula: y, Contracts: []model.ContractRef{{Number: x}}},
		{ChaveUnica: "11144477735", Name: "Bruno Lima", IDMatricula: x, Contracts: []model.ContractRef{{Number: y}}},
	}
	require.NoError(t, Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	find := func(d *Directory, kind model.IDKind, v string) []string {
		t.Helper()
		ms, err := d.Search(ctx, model.Query{IDs: []model.Identifier{{Value: v, Kinds: []model.IDKind{kind}}}}, 0)
		require.NoError(t, err)
		var out []string
		for _, m := range ms {
			out = append(out, m.Beneficiary.Name)
		}
		return out
	}
	for round := range 2 { // the second round reads the index the first one wrote
		d, err := Open(ctx, path, Options{})
		require.NoError(t, err)
		n, err := d.namesFor(ctx)
		require.NoError(t, err)
		require.Len(t, n.ContractRKs(x, 0), 2, "every holder of either number is a candidate")
		require.Len(t, n.MatriculaRKs(x, 0), 2-round)
		if round == 0 {
			assert.Equal(t, []string{"Ana Souza"}, find(d, model.IDContract, x))
			assert.Equal(t, []string{"Bruno Lima"}, find(d, model.IDContract, y))
			assert.Equal(t, []string{"Bruno Lima"}, find(d, model.IDMatricula, x))
			assert.Equal(t, []string{"Ana Souza"}, find(d, model.IDMatricula, y))
			// Ana takes a second contract (Bruno's number) and a new matrícula
			require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{ChaveUnica: "52998224725", IDMatricula: "5",
				Contracts: []model.ContractRef{{Number: y}}}}))
		}
		assert.Equal(t, []string{"Ana Souza"}, find(d, model.IDContract, x))
		assert.ElementsMatch(t, []string{"Ana Souza", "Bruno Lima"}, find(d, model.IDContract, y))
		assert.Equal(t, []string{"Bruno Lima"}, find(d, model.IDMatricula, x))
		assert.Empty(t, find(d, model.IDMatricula, y), "Ana's old matrícula")
		assert.Equal(t, []string{"Ana Souza", "Ana Souza"}, find(d, model.IDMatricula, "5"), "one row per contract")
		require.NoError(t, d.Close())
	}
}

// TestBigContractCandidatesAreCut searches contract numbers with hundreds of holders: the candidate list is
// cut for a number alone, and the results are those of the whole list, also when the cut part holds only
// hash twins of the number or when a holder matches more strongly by another identifier.
func TestBigContractCandidatesAreCut(t *testing.T) {
	x, y := hashTwins(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	var people []model.Beneficiary
	for i := range 200 { // first in rank order: holders of the twin y
		people = append(people, model.Beneficiary{Card: fmt.Sprintf("%017d", i+1), Name: fmt.Sprintf("Aa %03d", i),
			Contracts: []model.ContractRef{{Number: y}}})
	}
	for i := range 120 { // then holders of x; the last one's chaveUnica is x too
		b := model.Beneficiary{Card: fmt.Sprintf("%017d", 1000+i), Name: fmt.Sprintf("Zz %03d", i),
			Contracts: []model.ContractRef{{Number: x}}}
		if i == 119 {
			b.ChaveUnica = x
		}
		people = append(people, b)
	}
	require.NoError(t, Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	d, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	defer d.Close()
	names, err := d.namesFor(ctx)
	require.NoError(t, err)
	ids := func(v string) []ident {
		di, ok := identOf(model.Identifier{Value: v, Kinds: []model.IDKind{model.IDContract, model.IDChaveUnica}})
		require.True(t, ok)
		return []ident{di}
	}
	for _, v := range []string{x, y} {
		for _, limit := range []int{1, 10, 50} {
			whole, _, err := d.searchIdents(ctx, names, ids(v), "", nil, limit, 0)
			require.NoError(t, err)
			got, err := d.searchFiltered(ctx, ids(v), "", nil, limit)
			require.NoError(t, err)
			require.Len(t, got, limit)
			assert.Equal(t, whole, got, "%s limit %d", v, limit)
		}
	}
	got, err := d.searchFiltered(ctx, ids(x), "", nil, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"Zz 119", "Zz 000", "Zz 001"}, []string{got[0].b.Name, got[1].b.Name, got[2].b.Name},
		"the chaveUnica match first, then the contract's holders in name order")
	_, capped, err := d.searchIdents(ctx, names, ids(y), "", nil, 10, 52)
	require.NoError(t, err)
	require.Len(t, capped, 1, "the list of a big contract is cut")
	assert.Len(t, capped[0].rks, 52)
}
