// Package dirtest holds what the tests of the directory and of its CSV import share: small directories shaped
// like the seed data, generated names, and compact renderings of search results.
package dirtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
)

// CPF makes a valid CPF from a 9-digit base.
func CPF(base int) string {
	d := fmt.Sprintf("%09d", base%1_000_000_000)
	for _, w := range []int{10, 11} {
		sum := 0
		for i := 0; i < len(d); i++ {
			sum += int(d[i]-'0') * (w - i)
		}
		r := sum % 11
		if r < 2 {
			d += "0"
		} else {
			d += fmt.Sprint(11 - r)
		}
	}
	return d
}

// Card makes a 17-digit card number from n.
func Card(n int) string { return fmt.Sprintf("0001100800%04d%02d%d", n/100, n%100, n%10) }

// People is a small directory shaped like the sandbox's first beneficiary: João Pedro holds two contracts,
// a matrícula and a chaveUnica that is not a valid CPF.
func People() []model.Beneficiary {
	return []model.Beneficiary{
		{ChaveUnica: "15846772777", Card: "00011008000027010", Name: "João Pedro", BirthDate: "1994-08-05",
			RG: "3025-517", IDMatricula: "123-123-321", MotherName: "Maria Delmaschio", Phone: "27998765432",
			Email: "joao.pedro@exemplo.com.br", Situation: "Ativo",
			Contracts: []model.ContractRef{{Number: "0000002", Description: "MS GOLD"}, {Number: "0000001", Description: "MS PLATINUM"}}},
		{CPF: "52998224725", Card: Card(1), Name: "João da Silva", BirthDate: "1970-01-20", Phone: "1134567890",
			Contracts: []model.ContractRef{{Number: "0000010", Description: "MS GOLD"}}},
		{CPF: CPF(2), Card: Card(2), Name: "Maria Silva", BirthDate: "1980-03-12",
			Contracts: []model.ContractRef{{Number: "0000011", Description: "MS GOLD"}}},
		{CPF: CPF(3), Card: Card(3), Name: "Maria Aparecida da Silva", BirthDate: "1980-03-12",
			Contracts: []model.ContractRef{{Number: "0000012", Description: "MS GOLD"}}},
		{CPF: CPF(4), Card: Card(4), Name: "Mariana Silva", BirthDate: "1991-07-01",
			Contracts: []model.ContractRef{{Number: "0000013", Description: "MS GOLD"}}},
		{CPF: CPF(5), Card: Card(5), Name: "Maria Silveira", BirthDate: "1980-03-12",
			Contracts: []model.ContractRef{{Number: "0000014", Description: "MS GOLD"}}},
		{CPF: CPF(6), Card: Card(6), Name: "Marian Silvano",
			Contracts: []model.ContractRef{{Number: "0000015", Description: "MS GOLD"}}},
		{CPF: CPF(7), Card: Card(7), Name: "JOSÉ DOS SANTOS", Phone: "(11) 98765-4321",
			Contracts: []model.ContractRef{{Number: "EMP-77", Description: "EMPRESA X LTDA"}}},
		{CPF: CPF(8), Card: Card(8), Name: "Ana Souza", Phone: "11987654321",
			Contracts: []model.ContractRef{{Number: "EMP-77", Description: "EMPRESA X LTDA"}}},
		{CPF: CPF(9), Card: Card(9), Name: "Pedro Sem Contrato"},
	}
}

// GenNames builds n people from a small vocabulary with skewed frequencies, so names collide often.
func GenNames(n int, seed uint64) []model.Beneficiary {
	first := []string{"Maria", "Maria", "Maria", "José", "José", "João", "Ana", "Ana", "Mariana", "Marina", "Mário",
		"Joana", "Josefa", "Antônio", "Pedro", "Paula", "Luís", "Luísa"}
	middle := []string{"", "", "", "da", "de", "dos", "Aparecida", "Pedro"}
	last := []string{"Silva", "Silva", "Silva", "Santos", "Santos", "Silveira", "Souza", "Sousa", "Oliveira",
		"Lima", "Lins", "Costa", "Sá"}
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]model.Beneficiary, n)
	for i := range out {
		parts := []string{first[r.IntN(len(first))]}
		if m := middle[r.IntN(len(middle))]; m != "" {
			parts = append(parts, m)
		}
		parts = append(parts, last[r.IntN(len(last))])
		if r.IntN(3) == 0 {
			parts = append(parts, last[r.IntN(len(last))])
		}
		out[i] = model.Beneficiary{CPF: CPF(1000 + i), Card: Card(1000 + i), Name: strings.Join(parts, " "),
			Contracts: []model.ContractRef{{Number: fmt.Sprintf("%07d", 100+i%7), Description: "PLANO"}}}
	}
	return out
}

// Open builds a directory of people in a temporary file and opens it for the test.
func Open(t testing.TB, people []model.Beneficiary) *directory.Directory {
	t.Helper()
	path := filepath.Join(t.TempDir(), "directory.db")
	require.NoError(t, directory.Build(context.Background(), path, len(people), func(i int) model.Beneficiary { return people[i] }))
	return OpenPath(t, path)
}

// OpenPath opens the directory at path for the test.
func OpenPath(t testing.TB, path string) *directory.Directory {
	t.Helper()
	d, err := directory.Open(context.Background(), path, directory.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// Rows renders matches as "Name|contract" for compact assertions.
func Rows(ms []model.Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Beneficiary.Name + "|" + m.Contract.Number
	}
	return out
}

// Search searches d for a term as typed.
func Search(t testing.TB, d *directory.Directory, term string) []model.Match {
	t.Helper()
	ms, err := d.Search(context.Background(), model.Classify(term), 0)
	require.NoError(t, err)
	return ms
}

// NilIfEmpty is s, or nil when empty (to compare with expectations of no rows).
func NilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
