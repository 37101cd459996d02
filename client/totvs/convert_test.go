package totvs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func TestContractSections(t *testing.T) {
	c := &Contract{
		Fields: map[string]any{"ba1_nomusr": "ANA", "ba1_sexo": "2", "ba3_codemp": "1008", "ba1_mae": "",
			"situation": "Ativo", "ba9_x": "solto"},
		Struct: []FieldStruct{
			{Field: "BA1_SEXO", Title: "Sexo", Folder: "1", Order: "03",
				CBox: CBox{{Value: "1", Description: "Masculino"}, {Value: "2", Description: "Feminino"}}},
			{Field: "BA1_NOMUSR", Title: "Nome", Folder: "1", Order: "01", Picture: "@!"},
			{Field: "BA1_MAE", Title: "Mãe", Folder: "1"},
			{Field: "BA3_CODEMP", Title: "Grupo/Empr.", Folder: "3", Order: "04"},
			{Field: "BA9_X", Title: "Solto", Folder: "99"},
		},
		Folders: []Folder{{ID: "3", Title: "Plano"}, {ID: "1", Title: "Pessoais"}},
	}
	got := c.sections()
	require.Len(t, got, 4)
	assert.Equal(t, "Plano", got[0].Title, "folder order")
	assert.Equal(t, []model.Field{{Label: "Grupo/Empr.", Value: "1008"}}, got[0].Fields)
	assert.Equal(t, "Pessoais", got[1].Title)
	assert.Equal(t, []model.Field{{Label: "Nome", Value: "ANA"}, {Label: "Sexo", Value: "Feminino"}, {Label: "Mãe", Value: ""}}, got[1].Fields,
		"by struct.order, then struct order; cbox description; empty kept")
	assert.Equal(t, "Outros", got[2].Title, "unknown folder")
	assert.Equal(t, []model.Field{{Label: "Solto", Value: "solto"}}, got[2].Fields)
	assert.Equal(t, "Outros campos", got[3].Title, "fields without struct last, by key")
	assert.Equal(t, []model.Field{{Label: "Situação", Value: "Ativo"}}, got[3].Fields, "TOTVS's documented extra fields are labelled")
	assert.Empty(t, (&Contract{}).sections(), "an empty answer has no sections")
}
