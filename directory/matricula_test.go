package directory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/model"
)

func matricula(t *testing.T, d *directory.Directory, v string) []string {
	t.Helper()
	ms, err := d.Search(context.Background(), model.Query{IDs: []model.Identifier{
		{Value: v, Kinds: []model.IDKind{model.IDMatricula, model.IDChaveUnica}}}}, 0)
	require.NoError(t, err)
	return dirtest.NilIfEmpty(dirtest.Rows(ms))
}

// TestSearchMatricula finds João Pedro (see sandbox.SeedJoaoPedro) by his id_matricula, ignoring case and
// punctuation.
func TestSearchMatricula(t *testing.T) {
	joao := []string{"João Pedro|0000001", "João Pedro|0000002"}
	people := append(dirtest.People(), model.Beneficiary{CPF: dirtest.CPF(40), Card: dirtest.Card(40), Name: "Rita Letra",
		IDMatricula: "AB-12.c", Contracts: []model.ContractRef{{Number: "0000040", Description: "MS GOLD"}}})
	d := dirtest.Open(t, people)
	assert.Equal(t, joao, dirtest.NilIfEmpty(dirtest.Rows(dirtest.Search(t, d, "123-123-321"))), "classified term")
	assert.Equal(t, []string{"João Pedro|0000001"}, dirtest.NilIfEmpty(dirtest.Rows(dirtest.Search(t, d, "123-123-321 0000001"))), "with a contract")
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
	require.NoError(t, d.Upsert(ctx, []model.Beneficiary{{CPF: dirtest.CPF(41), Name: "Nova Pessoa", IDMatricula: "X-1"}}))
	assert.Equal(t, []string{"Nova Pessoa|"}, matricula(t, d, "x1"))
}
