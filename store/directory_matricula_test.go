package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/store"
)

func matricula(t *testing.T, d *store.Directory, v string) []string {
	t.Helper()
	ms, err := d.Search(context.Background(), model.Query{IDs: []model.Identifier{
		{Value: v, Kinds: []model.IDKind{model.IDMatricula, model.IDChaveUnica}}}}, 0)
	require.NoError(t, err)
	return nilIfEmpty(rows(ms))
}

// TestSearchMatricula finds seed 000's João Pedro by his id_matricula, ignoring case and punctuation.
func TestSearchMatricula(t *testing.T) {
	joao := []string{"João Pedro|0000001", "João Pedro|0000002"}
	people := append(testPeople(), model.Beneficiary{CPF: testCPF(40), Card: testCard(40), Name: "Rita Letra",
		IDMatricula: "AB-12.c", Contracts: []model.ContractRef{{Number: "0000040", Description: "MS GOLD"}}})
	d := openTest(t, people)
	assert.Equal(t, joao, nilIfEmpty(rows(search(t, d, "123-123-321"))), "classified term")
	assert.Equal(t, []string{"João Pedro|0000001"}, nilIfEmpty(rows(search(t, d, "123-123-321 0000001"))), "with a contract")
	for _, v := range []string{"123-123-321", "123.123.321", " 123123321 "} {
		assert.Equal(t, joao, matricula(t, d, v), v)
	}
	assert.Equal(t, []string{"Rita Letra|0000040"}, matricula(t, d, "ab12C"))
	assert.Nil(t, matricula(t, d, "123-123-32"))
	assert.Nil(t, matricula(t, d, "---"))

	// an upsert that changes the matrícula moves the key; one that renames the holder keeps it
	ctx := context.Background()
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{ChaveUnica: "15846772777", Card: "00011008000027010", IDMatricula: "999-1"}}))
	assert.Nil(t, matricula(t, d, "123-123-321"))
	assert.Equal(t, joao, matricula(t, d, "9991"))
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{ChaveUnica: "15846772777", Card: "00011008000027010", Name: "Zé Pedro"}}))
	assert.Equal(t, []string{"Zé Pedro|0000001", "Zé Pedro|0000002"}, matricula(t, d, "999-1"))
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: testCPF(41), Name: "Nova Pessoa", IDMatricula: "X-1"}}))
	assert.Equal(t, []string{"Nova Pessoa|"}, matricula(t, d, "x1"))
}

// TestImportMatricula imports the seed-shaped CSV and finds João Pedro by his matrícula.
func TestImportMatricula(t *testing.T) {
	ctx := context.Background()
	d, err := store.OpenDirectory(filepath.Join(t.TempDir(), "d.db"))
	require.NoError(t, err)
	defer d.Close()
	csv := "nome;id_matricula;chaveUnica;carteirinha;numero_contrato\n" +
		"João Pedro;123-123-321;15846772777;0001.1008.000027.01-0;0000001\n" +
		"João Pedro;123-123-321;15846772777;0001.1008.000027.01-0;0000002\n"
	for _, replace := range []bool{false, true} {
		_, err = d.Import(ctx, strings.NewReader(csv), store.ImportOptions{Replace: replace})
		require.NoError(t, err)
		assert.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002"}, nilIfEmpty(rows(search(t, d, "123-123-321"))))
	}
}
