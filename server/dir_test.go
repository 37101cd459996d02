package server

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
)

// joao is the beneficiary of the answer Mosia's integration page shows, with the two contracts it lists, and the
// card the demonstration gives him (the sandbox's seed João Pedro), so the documented examples hold for both.
var joao = model.Beneficiary{
	ChaveUnica: "15846772777", Card: "00010001000001018", Name: "João Pedro", BirthDate: "1994-08-05",
	RG: "3025-517", IDMatricula: "123-123-321", MotherName: "Maria Delmaschio", Phone: "27998765432",
	Email: "joao.pedro@example.com", Situation: "Ativo",
	Contracts: []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"}, {Number: "0000002", Description: "MS GOLD"}},
}

// fixture is a small directory around joao: names sharing words, contracts shared and not.
var fixture = []model.Beneficiary{
	joao,
	{ChaveUnica: "52998224725", CPF: "52998224725", Card: "00011008000028010", Name: "João Paulo Souza",
		BirthDate: "1980-03-12", RG: "11.222.333-4", IDMatricula: "555-000-111", MotherName: "Ana Souza",
		Phone: "11987654321", Email: "jp@example.com", Situation: "Bloqueado",
		Contracts: []model.ContractRef{{Number: "0000001", Description: "MS PLATINUM"}}},
	{ChaveUnica: "23576483098", CPF: "23576483098", Card: "00011008000029010", Name: "Maria Pedrosa",
		BirthDate: "2001-06-15", RG: "9.876.543", IDMatricula: "777-888-999", MotherName: "Teste da Silva",
		Phone: "2133334444", Situation: "Ativo",
		Contracts: []model.ContractRef{{Number: "0000003", Description: "MS BASIC"}}},
}

// newDirectory returns a real SQLite directory (directory.Directory) in a temporary file holding bens.
func newDirectory(t testing.TB, bens []model.Beneficiary) Directory {
	t.Helper()
	d, err := directory.Open(context.Background(), filepath.Join(t.TempDir(), "directory.db"), directory.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	require.NoError(t, d.Upsert(context.Background(), bens))
	return d
}
