package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

func ids(pairs ...any) []model.Identifier {
	var out []model.Identifier
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, model.Identifier{Value: pairs[i].(string), Kinds: pairs[i+1].([]model.IDKind)})
	}
	return out
}

func kinds(k ...model.IDKind) []model.IDKind { return k }

func TestDecodeSearchQuery(t *testing.T) {
	cpfKinds := kinds(model.IDCPF, model.IDChaveUnica)
	tests := []struct {
		name, body string
		want       model.Query
	}{
		{"cpf valid formatted", `{"cpf":"529.982.247-25"}`, model.Query{IDs: ids("52998224725", cpfKinds)}},
		{"cpf invalid still searched", `{"CPF":"15846772777"}`,
			model.Query{IDs: ids("15846772777", cpfKinds), InvalidCPF: "15846772777"}},
		{"cpf number padded", `{"cpf":1234567890}`,
			model.Query{IDs: ids("01234567890", cpfKinds)}}, // 012.345.678-90 is a valid CPF
		{"chave as written", `{"chaveUnica":"joao@example.com"}`,
			model.Query{IDs: ids("joao@example.com", kinds(model.IDChaveUnica))}},
		{"chave formatted cpf", `{"chave-unica":"158.467.727-77"}`,
			model.Query{IDs: ids("15846772777", kinds(model.IDChaveUnica))}},
		{"card", `{"Carteirinha":"0001.1008.000027.01-0"}`,
			model.Query{IDs: ids("00011008000027010", kinds(model.IDCard))}},
		{"card number padded", `{"subscriber_id":11008000027010}`,
			model.Query{IDs: ids("00011008000027010", kinds(model.IDCard))}},
		{"matricula not a card", `{"idMatricula":"123-123-321"}`,
			model.Query{IDs: ids("123-123-321", kinds(model.IDMatricula, model.IDChaveUnica))}},
		{"contract", `{"numero_contrato":"0000001"}`, model.Query{IDs: ids("0000001", kinds(model.IDContract))}},
		{"phone", `{"celular":"+55 (27) 99876-5432"}`, model.Query{IDs: ids("27998765432", kinds(model.IDPhone))}},
		{"name and date", `{"nome":"  João  PEDRO ","dataNascimento":"5/8/1994"}`,
			model.Query{Words: []string{"joao", "pedro"}, BirthDate: "1994-08-05"}},
		{"iso date", `{"nome":"ana","data_nascimento":"1994-08-05"}`,
			model.Query{Words: []string{"ana"}, BirthDate: "1994-08-05"}},
		{"term classified", `{"busca":"maria 12/03/1980"}`,
			model.Query{Words: []string{"maria"}, BirthDate: "1980-03-12"}},
		{"term card", `{"q":"00011008000027010"}`, model.Query{IDs: ids("00011008000027010", kinds(model.IDCard))}},
		{"words deduplicated and bounded", `{"nome":"a b c d e f g h i j a","termo":"b z", "dataNascimento":"1994-08-05"}`,
			model.Query{Words: []string{"a", "b", "c", "d", "e", "f", "g", "h"}, BirthDate: "1994-08-05"}},
		{"short words beside a long one", `{"nome":"jo da silva"}`,
			model.Query{Words: []string{"jo", "da", "silva"}}},
		{"nulls and blanks absent", `{"cpf":null,"nome":"","telefone":"  ","q":"ana"}`,
			model.Query{Words: []string{"ana"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := decodeSearch([]byte(tt.body))
			require.NoError(t, err)
			assert.Empty(t, s.Refusal)
			assert.False(t, s.Empty)
			assert.Equal(t, tt.want, s.Query)
		})
	}
}

func TestDecodeSearchRefusesAndFails(t *testing.T) {
	s, err := decodeSearch([]byte(`{"nome":"ana","dataNascimento":"01/01/2000","busca":"02/02/2002"}`))
	require.NoError(t, err)
	assert.True(t, s.Empty, "two different birth dates cannot both match")

	s, err = decodeSearch([]byte(`{"cpf":"12","telefone":"1"}`))
	require.NoError(t, err)
	assert.Equal(t, i18n.ServerInvalidCPF, s.Refusal, "the first refusal (in key order) wins")

	_, err = decodeSearch([]byte(`{"nome":false}`))
	var ie *inputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, i18n.ServerFieldType("nome"), ie.Msg)

	s, err = decodeSearch([]byte(`{"joana da silva":1,"` + strings.Repeat("k", 100) + `":2,"nome":"ana"}`))
	require.NoError(t, err)
	assert.Equal(t, 2, s.Unknown, "unknown keys are counted, never kept: a key may be a name")
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "João \"Pedro\"", "a\\b", "tab\tnl\ncr\r", "\x00\x1f\x7f", "\xff\xfe bad", "\u2028\u2029",
		"<script>&", "日本語"} {
		got := appendJSONString(nil, s)
		var back, want string
		require.NoError(t, json.Unmarshal(got, &back), "%q → %s", s, got)
		std, err := json.Marshal(s)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(std, &want))
		assert.Equal(t, want, back, "%q", s)
	}
}
