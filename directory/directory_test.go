package directory_test

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

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/model"
)

func TestSearchIdentifiers(t *testing.T) {
	d := dirtest.Open(t, dirtest.People())
	cases := []struct {
		name, term string
		want       []string
	}{
		{"cpf formatted", "529.982.247-25", []string{"João da Silva|0000010"}},
		{"cpf digits", "52998224725", []string{"João da Silva|0000010"}},
		{"chaveUnica not a valid CPF", "15846772777", []string{"João Pedro|0000001", "João Pedro|0000002"}},
		{"card with dots", "0001.1008.000027.01-0", []string{"João Pedro|0000001", "João Pedro|0000002"}},
		{"card digits", "00011008000027010", []string{"João Pedro|0000001", "João Pedro|0000002"}},
		{"phone formatted", "(27) 99876-5432", []string{"João Pedro|0000001", "João Pedro|0000002"}},
		{"phone without DDD", "98765-4321", []string{"Ana Souza|EMP-77", "JOSÉ DOS SANTOS|EMP-77"}},
		{"landline", "(11) 3456-7890", []string{"João da Silva|0000010"}},
		{"contract lists only that contract", "0000002", []string{"João Pedro|0000002"}},
		{"contract without leading zeros", "2", []string{"João Pedro|0000002"}},
		{"contract shared by a company", "EMP-77", nil}, // letters and digits: a name word, not an identifier
		{"unknown cpf", "111.444.777-35", nil},
		{"identifier and name", "52998224725 silva", []string{"João da Silva|0000010"}},
		{"identifier and other name", "52998224725 pedro", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, dirtest.NilIfEmpty(dirtest.Rows(dirtest.Search(t, d, c.term))))
		})
	}
	t.Run("structured contract query", func(t *testing.T) {
		ms, err := d.Search(context.Background(), model.Query{IDs: []model.Identifier{
			{Value: "EMP-77", Kinds: []model.IDKind{model.IDContract}}}}, 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"Ana Souza|EMP-77", "JOSÉ DOS SANTOS|EMP-77"}, dirtest.Rows(ms))
	})
	t.Run("João Pedro's fields", func(t *testing.T) {
		ms := dirtest.Search(t, d, "15846772777")
		require.Len(t, ms, 2)
		b := ms[0].Beneficiary
		assert.Equal(t, "15846772777", b.ChaveUnica)
		assert.Equal(t, "1994-08-05", b.BirthDate)
		assert.Equal(t, "3025-517", b.RG)
		assert.Equal(t, "123-123-321", b.IDMatricula)
		assert.Equal(t, "Maria Delmaschio", b.MotherName)
		assert.Equal(t, []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"},
			{Number: "0000002", Description: "MS GOLD"}}, b.Contracts)
		assert.Equal(t, model.ContractRef{Number: "0000001", Description: "MS PLATINUM"}, ms[0].Contract)
		assert.Equal(t, model.ContractRef{Number: "0000002", Description: "MS GOLD"}, ms[1].Contract)
	})
}

func TestSearchNames(t *testing.T) {
	d := dirtest.Open(t, dirtest.People())
	cases := []struct {
		term string
		want []string
	}{
		// whole words first, then shorter names, then prefixes ("silveira" does not start with "silva")
		{"maria silva", []string{"Maria Silva|0000011", "Maria Aparecida da Silva|0000012",
			"Mariana Silva|0000013", "Marian Silvano|0000015"}},
		{"maria silv", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012",
			"Mariana Silva|0000013", "Marian Silvano|0000015"}},
		{"silva joao", []string{"João da Silva|0000010"}},
		{"JOÃO SILV", []string{"João da Silva|0000010"}},
		{"joao", []string{"João Pedro|0000001", "João Pedro|0000002", "João da Silva|0000010"}},
		{"jose", []string{"JOSÉ DOS SANTOS|EMP-77"}},
		{"JoSé SaNt", []string{"JOSÉ DOS SANTOS|EMP-77"}},
		{"sem contrato", []string{"Pedro Sem Contrato|"}},
		{"maria 12/03/1980", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012"}},
		{"silv 1980-03-12", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012"}},
		{"maria 01/01/2001", nil},
		{"xavier", nil},
		{"", nil},
	}
	for _, c := range cases {
		t.Run(c.term, func(t *testing.T) {
			assert.Equal(t, c.want, dirtest.NilIfEmpty(dirtest.Rows(dirtest.Search(t, d, c.term))))
		})
	}
	t.Run("scores decrease", func(t *testing.T) {
		ms := dirtest.Search(t, d, "maria silva")
		for i := 1; i < len(ms); i++ {
			assert.Greater(t, ms[i-1].Score, ms[i].Score)
		}
		id := dirtest.Search(t, d, "52998224725")
		assert.Greater(t, id[0].Score, ms[0].Score, "identifier matches rank above names")
	})
	t.Run("raw words from a structured query are folded", func(t *testing.T) {
		ms, err := d.Search(context.Background(), model.Query{Words: []string{"JOÃO", "Silva"}}, 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(ms))
	})
}

// bruteForce ranks people for words as the directory promises: every word a prefix of some name word;
// more whole-word matches first, then shorter folded names, then folded name order, then key.
func bruteForce(people []model.Beneficiary, words []string, limit int) []string {
	type hit struct {
		tier   int
		folded string
		key    string
		name   string
	}
	var hits []hit
	for _, p := range people {
		nw := model.NameWords(p.Name)
		ok, tier := true, 0
		for _, w := range words {
			pre, whole := false, false
			for _, x := range nw {
				pre = pre || strings.HasPrefix(x, w)
				whole = whole || x == w
			}
			ok = ok && pre
			if whole {
				tier++
			}
		}
		if ok {
			hits = append(hits, hit{tier, model.FoldText(p.Name), p.CPF, p.Name})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(b.tier-a.tier, cmp.Compare(len(a.folded), len(b.folded)), strings.Compare(a.folded, b.folded),
			strings.Compare(a.key, b.key))
	})
	var out []string
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, h.name+"|"+h.key)
	}
	return out
}

// TestSearchRankingMatchesBruteForce checks the streamed ranking against ranking every match.
func TestSearchRankingMatchesBruteForce(t *testing.T) {
	people := dirtest.GenNames(4000, 3)
	d := dirtest.Open(t, people)
	queries := []string{"maria", "maria silva", "silva maria", "mari", "mar", "m", "m s", "jo sa", "jose santos",
		"ana", "ana s", "maria aparecida silva", "s", "sa", "sá", "silv", "silva santos", "maria da silva",
		"pedro", "joao pedro", "j p s", "lins", "li", "l", "antonio costa", "mariana", "x", "maria x",
		"ma da si sa", "maria de dos da"}
	for _, q := range queries {
		for _, limit := range []int{1, 7, 50} {
			t.Run(fmt.Sprintf("%s/%d", q, limit), func(t *testing.T) {
				ms, err := d.Search(context.Background(), model.Classify(q), limit)
				require.NoError(t, err)
				got := make([]string, len(ms))
				for i, m := range ms {
					got[i] = m.Beneficiary.Name + "|" + m.Beneficiary.CPF
				}
				want := bruteForce(people, model.Classify(q).Words, limit)
				assert.Equal(t, dirtest.NilIfEmpty(want), dirtest.NilIfEmpty(got))
			})
		}
	}
}

func TestSearchLimit(t *testing.T) {
	d := dirtest.Open(t, dirtest.GenNames(300, 5))
	for _, c := range []struct{ limit, want int }{{0, directory.DefaultSearchLimit}, {-1, directory.DefaultSearchLimit},
		{10, 10}, {1, 1}, {200, 200}} {
		ms, err := d.Search(context.Background(), model.Classify("s"), c.limit)
		require.NoError(t, err)
		assert.Len(t, ms, c.want, "limit %d", c.limit)
	}
	// a beneficiary with two contracts counts as two matches against the cap
	d2 := dirtest.Open(t, dirtest.People())
	ms, err := d2.Search(context.Background(), model.Classify("joao"), 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002"}, dirtest.Rows(ms))
}

func TestCountPingByCard(t *testing.T) {
	d := dirtest.Open(t, dirtest.People())
	ctx := context.Background()
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(dirtest.People()), n)
	require.NoError(t, d.Ping(ctx))

	b, ok, err := d.ByCard(ctx, "0001.1008.000027.01-0")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "João Pedro", b.Name)
	assert.Len(t, b.Contracts, 2)
	_, ok, err = d.ByCard(ctx, "00019999999999999")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = d.ByCard(ctx, "123")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestUpsert(t *testing.T) {
	ctx := context.Background()
	d, err := directory.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"), directory.Options{})
	require.NoError(t, err)
	defer d.Close()

	require.NoError(t, d.Upsert(ctx, dirtest.People()))
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(dirtest.People()), n)
	assert.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002"}, dirtest.Rows(dirtest.Search(t, d, "15846772777")))

	// upserting again changes nothing
	require.NoError(t, d.Upsert(ctx, dirtest.People()))
	n, err = d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(dirtest.People()), n)
	assert.Len(t, dirtest.Search(t, d, "maria silva"), 4)

	// a new contract and a renamed person: old name words stop matching, new ones match
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{ChaveUnica: "158.467.727-77", Card: "0001.1008.000027.01-0",
		Name: "João Pedro Delmaschio", Contracts: []model.ContractRef{{Number: "0000003", Description: "MS BRONZE"}}}}))
	assert.Equal(t, []string{"João Pedro Delmaschio|0000001", "João Pedro Delmaschio|0000002",
		"João Pedro Delmaschio|0000003"}, dirtest.Rows(dirtest.Search(t, d, "delmaschio")))
	got := dirtest.Search(t, d, "15846772777")
	require.Len(t, got, 3)
	assert.Equal(t, "3025-517", got[0].Beneficiary.RG, "fields not given keep their value")

	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{ChaveUnica: "15846772777", Card: "00011008000027010", Name: "Pietro"}}))
	assert.Empty(t, dirtest.Search(t, d, "joao pedro delmaschio"))
	assert.Len(t, dirtest.Search(t, d, "pietro"), 3)
	assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(dirtest.Search(t, d, "joao")))

	// upserted names still rank shorter first
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: dirtest.CPF(500), Name: "Maria Sa"}}))
	assert.Equal(t, "Maria Sa", dirtest.Search(t, d, "maria s")[0].Beneficiary.Name)

	// a repeated word counts once: renaming its holder leaves the word findable in others' names
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: dirtest.CPF(600), Name: "Rosa Rosa Lins", BirthDate: "02/01/1960"},
		{CPF: dirtest.CPF(601), Name: "Rosa Lins"}}))
	assert.Equal(t, "1960-01-02", dirtest.Search(t, d, dirtest.CPF(600))[0].Beneficiary.BirthDate)
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: dirtest.CPF(600), Name: "Joana Lins"}}))
	assert.Equal(t, []string{"Rosa Lins|"}, dirtest.Rows(dirtest.Search(t, d, "rosa")))

	// a new phone and birth date are found by them, the old ones no longer
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: "52998224725", Card: dirtest.Card(1), Phone: "(21) 2222-3333",
		BirthDate: "21/01/1970"}}))
	assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(dirtest.Search(t, d, "(21) 2222-3333")))
	assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(dirtest.Search(t, d, "2222-3333")))
	assert.Empty(t, dirtest.Search(t, d, "(11) 3456-7890"))
	assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(dirtest.Search(t, d, "21/01/1970")))
	assert.Empty(t, dirtest.Search(t, d, "20/01/1970"))
	assert.Empty(t, dirtest.Search(t, d, "(11) 2222-3333"), "same number, other DDD")

	require.ErrorIs(t, d.Upsert(ctx, []model.Beneficiary{{Name: "Sem Chave"}}), directory.ErrNoKey)
}

// TestSearchBirthDate finds people by birth date alone, and with name words ranked by whole-word matches.
func TestSearchBirthDate(t *testing.T) {
	d := dirtest.Open(t, dirtest.People())
	cases := []struct {
		term string
		want []string
	}{
		{"12/03/1980", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012"}},
		{"1980-03-12", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012"}},
		{"silveira 12/03/1980", []string{"Maria Silveira|0000014"}},
		{"silv 12/03/1980", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012"}},
		{"silva 12/03/1980", []string{"Maria Silva|0000011", "Maria Aparecida da Silva|0000012"}},
		{"maria silv 12/03/1980", []string{"Maria Silva|0000011", "Maria Silveira|0000014", "Maria Aparecida da Silva|0000012"}},
		{"05/08/1994", []string{"João Pedro|0000001", "João Pedro|0000002"}},
		{"13/03/1980", nil},
		{"pedro 12/03/1980", nil},
	}
	for _, c := range cases {
		t.Run(c.term, func(t *testing.T) {
			assert.Equal(t, c.want, dirtest.NilIfEmpty(dirtest.Rows(dirtest.Search(t, d, c.term))))
		})
	}
	ms, err := d.Search(context.Background(), model.Query{BirthDate: "12/03/1980"}, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"Maria Silva|0000011", "Maria Silveira|0000014"}, dirtest.Rows(ms), "capped in rank order")
}

func TestBuild(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	people := dirtest.People()
	require.NoError(t, directory.Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	d, err := directory.Open(context.Background(), path, directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	assert.Len(t, dirtest.Search(t, d, "15846772777"), 2)

	// rebuilding over an open directory swaps the content in place
	more := dirtest.GenNames(50, 1)
	require.NoError(t, directory.Build(ctx, path, len(more), func(i int) model.Beneficiary { return more[i] }))
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, 50, n)
	assert.Empty(t, dirtest.Search(t, d, "15846772777"))

	err = directory.Build(ctx, path, 1, func(int) model.Beneficiary { return model.Beneficiary{Name: "Sem Chave"} })
	require.ErrorIs(t, err, directory.ErrNoKey)
	n, err = d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, 50, n, "a failed build leaves the directory alone")
	matches, _ := filepath.Glob(path + ".build-*")
	assert.Empty(t, matches, "no temporary files left behind")
}

// TestUpgradeFromVersion1 opens a file in the first layout (name postings in tables, fields in columns):
// it is rebuilt in the current one, with every beneficiary, contract and name still found.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `
CREATE TABLE directory_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE beneficiaries(rk INTEGER PRIMARY KEY, name_key TEXT NOT NULL, chave_unica TEXT NOT NULL,
	card TEXT NOT NULL, cpf TEXT NOT NULL, name TEXT NOT NULL, birth_date TEXT NOT NULL, rg TEXT NOT NULL,
	id_matricula TEXT NOT NULL, mother_name TEXT NOT NULL, phone TEXT NOT NULL, phone_local TEXT NOT NULL,
	email TEXT NOT NULL, situation TEXT NOT NULL);
CREATE TABLE contracts(rk INTEGER NOT NULL, number TEXT NOT NULL, number_key TEXT NOT NULL,
	description TEXT NOT NULL, PRIMARY KEY(rk, number)) WITHOUT ROWID;
CREATE TABLE name_post(word TEXT NOT NULL, rk INTEGER NOT NULL, PRIMARY KEY(word, rk)) WITHOUT ROWID;
CREATE TABLE name_vocab(word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO directory_meta VALUES ('schema_version', '1'), ('beneficiaries', '2');
INSERT INTO beneficiaries VALUES
	(100, ' joao pedro ', '15846772777', '00011008000027010', '', 'João Pedro', '1994-08-05', '3025-517',
	 '123-123-321', 'Maria Delmaschio', '27998765432', '998765432', 'joao@example.com', 'Ativo'),
	(200, ' maria silva ', '52998224725', '00011008000028010', '52998224725', 'Maria Silva', '', '', '', '',
	 '', '', '', 'Bloqueado');
INSERT INTO contracts VALUES (100, '0000002', '2', 'MS GOLD'), (100, '0000001', '1', 'MS PLATINUM'),
	(200, 'EMP-7', 'EMP-7', 'EMPRESA');
INSERT INTO name_post VALUES ('joao', 100), ('pedro', 100), ('maria', 200), ('silva', 200);
INSERT INTO name_vocab VALUES ('joao', 1), ('pedro', 1), ('maria', 1), ('silva', 1);`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	d, err := directory.Open(context.Background(), path, directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got := dirtest.Search(t, d, "joao ped")
	require.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002"}, dirtest.Rows(got))
	assert.Equal(t, "Maria Delmaschio", got[0].Beneficiary.MotherName)
	assert.Equal(t, "27998765432", got[0].Beneficiary.Phone)
	assert.Equal(t, []string{"Maria Silva|EMP-7"}, dirtest.Rows(dirtest.Search(t, d, "529.982.247-25")))
	byContract, err := d.Search(ctx, model.Query{IDs: []model.Identifier{{Value: "EMP-7", Kinds: []model.IDKind{model.IDContract}}}}, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"Maria Silva|EMP-7"}, dirtest.Rows(byContract))
	assert.Equal(t, []string{"João Pedro|0000002"}, dirtest.Rows(dirtest.Search(t, d, "0000002")))
	assert.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002"}, dirtest.Rows(dirtest.Search(t, d, "123-123-321")), "by matrícula")
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: "52998224725", Card: "00011008000028010", Name: "Maria Souza"}}))
	assert.Equal(t, []string{"Maria Souza|EMP-7"}, dirtest.Rows(dirtest.Search(t, d, "maria s")))
}
