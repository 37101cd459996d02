package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

// hashTwins finds two numbers without leading zeros whose dirKeyHash is the same.
func hashTwins(t *testing.T) (string, string) {
	t.Helper()
	seen := map[uint32]string{}
	for i := 1_000_000; i < 3_000_000; i++ {
		s := strconv.Itoa(i)
		h := dirKeyHash(s)
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
	require.Equal(t, dirKeyHash(x), dirKeyHash(y))
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := []model.Beneficiary{
		{ChaveUnica: "52998224725", Name: "Ana Souza", IDMatricula: y, Contracts: []model.ContractRef{{Number: x}}},
		{ChaveUnica: "11144477735", Name: "Bruno Lima", IDMatricula: x, Contracts: []model.ContractRef{{Number: y}}},
	}
	require.NoError(t, BuildDemo(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
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
		d, err := OpenDirectory(path)
		require.NoError(t, err)
		n, err := d.namesFor(ctx)
		require.NoError(t, err)
		require.Len(t, n.contractRKs(x), 2, "every holder of either number is a candidate")
		require.Len(t, n.matriculaRKs(x), 2-round)
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

// TestContractRKsFindsOwners checks the owner of each contract position, with rows without contracts around.
func TestContractRKsFindsOwners(t *testing.T) {
	nb := newDirNamesBuilder(0)
	rows := [][]string{nil, {"10"}, nil, nil, {"10", "20"}, nil, {"20"}, {"30"}}
	for i, cs := range rows {
		b := model.Beneficiary{Name: "x"}
		for _, c := range cs {
			b.Contracts = append(b.Contracts, model.ContractRef{Number: c})
		}
		nb.add(int64(100+i), []string{"x"}, dirRowExtraOf(&b))
	}
	n := nb.finish("g")
	assert.Equal(t, []int64{101, 104}, n.contractRKs("10"))
	assert.Equal(t, []int64{104, 106}, n.contractRKs("20"))
	assert.Equal(t, []int64{107}, n.contractRKs("30"))
	assert.Empty(t, n.contractRKs("40"))
	back, err := decodeDirNames(n.encode(), "g")
	require.NoError(t, err)
	assert.Equal(t, n.conOff, back.conOff)
	assert.Equal(t, n.conHash, back.conHash)
	assert.Equal(t, []int64{104, 106}, back.contractRKs("20"))
}
