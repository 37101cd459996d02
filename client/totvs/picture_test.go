package totvs

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderPicture(t *testing.T) {
	tests := []struct {
		name, picture, typ string
		decimals           int
		value, want        string
	}{
		{"cpf", "@R 999.999.999-99", "C", 0, "23576483098", "235.764.830-98"},
		{"cpf padded", "@R 999.999.999-99", "C", 0, "23576483098   ", "235.764.830-98"},
		{"cnpj", "@R 99.999.999/9999-99", "C", 0, "11222333000181", "11.222.333/0001-81"},
		{"cnpj alnum", "@R! NN.NNN.NNN/NNNN-99", "C", 0, "12abc34501de35", "12.ABC.345/01DE-35"},
		{"cep", "@R 99999-999", "C", 0, "29101010", "29101-010"},
		{"phone", "@R 9999-9999", "C", 0, "33456789", "3345-6789"},
		{"phone with ddd literal first", "@R (99) 9999-9999", "C", 0, "2733456789", "(27) 3345-6789"},
		{"operator code", "@R !.!!!", "C", 0, "0001", "0.001"},
		{"hour", "@R !!:!!", "C", 0, "1430", "14:30"},
		{"R stops when value runs out", "@R 99999-999", "C", 0, "29101", "29101"},
		{"R stops mid template", "@R 999.999.999-99", "C", 0, "2357", "235.7"},
		{"R keeps extra chars", "@R 999.999.999-99", "C", 0, "235764830981", "235.764.830-981"},
		{"R empty value", "@R 999.999.999-99", "C", 0, "", ""},
		{"R lower case function", "@r 99-99", "C", 0, "1234", "12-34"},
		{"upper", "@!", "C", 0, "joão", "JOÃO"},
		{"upper with scroll", "@!S20", "C", 0, "conceição", "CONCEIÇÃO"},
		{"template bang without R", "!!!", "C", 0, "abcd", "ABCd"},
		{"template without R inserts nothing", "999-999", "C", 0, "123456", "123456"},
		{"plain digits", "99", "C", 0, "01", "01"},
		{"@ then template", "@99999", "C", 0, "12345", "12345"},
		{"money", "@E 9,999,999,999,999.99", "N", 2, "1234567.5", "1.234.567,50"},
		{"money US", "@ 9,999,999.99", "N", 2, "1234567.5", "1,234,567.50"},
		{"money negative", "@E 9,999,999.99", "N", 2, "-1234.5", "-1.234,50"},
		{"money parens", "@E( 9,999,999.99", "N", 2, "-1234.5", "(1.234,50)"},
		{"debit", "@EX 9,999.99", "N", 2, "-10", "10,00 DB"},
		{"credit", "@EC 9,999.99", "N", 2, "10", "10,00 CR"},
		{"zero blank", "@EZ 9,999.99", "N", 2, "0", ""},
		{"zero not blank", "@E 9,999.99", "N", 2, "0", "0,00"},
		{"rounding", "@E 999.99", "N", 2, "2.675", "2,67"}, // float64: 2.675 is 2.67499…
		{"no decimals in template", "999", "N", 2, "12.7", "13"},
		{"negative rounds to zero", "@E 9.99", "N", 2, "-0.001", "0,00"},
		{"numeric empty picture uses decimals", "", "N", 2, "1234.5", "1234.50"},
		{"numeric comma decimal", "@E 9,999.99", "N", 2, "1234,5", "1.234,50"},
		{"numeric empty", "@E 9,999.99", "N", 2, "", ""},
		{"numeric garbage", "@E 9,999.99", "N", 2, "abc", "abc"},
		{"numeric too wide shows whole", "@E 999.99", "N", 2, "123456", "123456,00"},
		{"numeric huge decimals bounded", "", "N", 1 << 30, "1.5", "1.500000000000000000"},
		{"date type", "", "D", 0, "2001-06-15", "15/06/2001"},
		{"date @D", "@D", "C", 0, "2001-06-15", "15/06/2001"},
		{"date AAAAMMDD", "@D", "D", 0, "20010615", "15/06/2001"},
		{"date not zero padded", "@D", "D", 0, "2022-11-1", "01/11/2022"},
		{"date empty", "@D", "D", 0, "", ""},
		{"date unparseable", "@D", "D", 0, "31/02/2001", "31/02/2001"},
		{"empty picture", "", "C", 0, "HERNANDES   ", "HERNANDES"},
		{"unknown function", "@Q 999", "C", 0, "123 ", "123"},
		{"invalid utf8", "@!", "C", 0, "a\xffb", "A\uFFFDB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, RenderPicture(tt.picture, tt.typ, tt.decimals, tt.value))
		})
	}
}

func TestRenderField(t *testing.T) {
	sexo := FieldStruct{Field: "BA1_SEXO", Type: "C", Picture: "@!", CBox: CBox{{"1", "Masculino"}, {"2", "Feminino"}}}
	money := FieldStruct{Type: "N", Picture: "@E 9,999,999.99", Decimals: 2}
	cpf := FieldStruct{Type: "C", Picture: "@R 999.999.999-99"}
	tests := []struct {
		name  string
		st    FieldStruct
		value any
		want  string
	}{
		{"cbox wins", sexo, "1", "Masculino"},
		{"cbox trims", sexo, "2 ", "Feminino"},
		{"cbox miss falls back to picture", sexo, "x", "X"},
		{"pre-resolved label", FieldStruct{Type: "C", Picture: "@!"}, "Solteiro(a)", "SOLTEIRO(A)"},
		{"nil", cpf, nil, ""},
		{"float from JSON", money, 1234567.5, "1.234.567,50"},
		{"integer-valued float in a char field", cpf, float64(23576483098), "235.764.830-98"},
		{"json.Number", money, json.Number("10.5"), "10,50"},
		{"int", money, 3, "3,00"},
		{"bool true", FieldStruct{Type: "L"}, true, "Sim"},
		{"bool false", FieldStruct{Type: "L"}, false, "Não"},
		{"bool via cbox", FieldStruct{Type: "L", CBox: CBox{{"true", "Ativo"}}}, true, "Ativo"},
		{"nested value as JSON", FieldStruct{Type: "C"}, map[string]any{"a": 1.0}, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, RenderField(tt.st, tt.value))
		})
	}
}

func FuzzRenderPicture(f *testing.F) {
	f.Add("@R 999.999.999-99", "C", 0, "23576483098")
	f.Add("@E 9,999,999,999,999.99", "N", 2, "1234567.5")
	f.Add("@R !.!!!", "C", 0, "0001")
	f.Add("@D", "D", 0, "2001-06-15")
	f.Add("@!S20", "C", 0, "joão")
	f.Add("@EZX( 9,999.99", "N", -3, "-0")
	f.Fuzz(func(t *testing.T, picture, typ string, decimals int, value string) {
		out := RenderPicture(picture, typ, decimals, value)
		require.True(t, utf8.ValidString(out), "%q", out)
		if picture == "" && typ != "D" && typ != "d" && typ != "N" && typ != "n" && utf8.ValidString(value) {
			require.Equal(t, trimRightSpaces(value), out)
		}
		_ = RenderField(FieldStruct{Type: typ, Picture: picture, Decimals: decimals}, value)
	})
}

func trimRightSpaces(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

func TestCBoxShapes(t *testing.T) {
	var st FieldStruct
	require.NoError(t, json.Unmarshal([]byte(`{"type":"C","cbox":[{"value":1,"description":"Masculino"},{"value":"2","description":"Feminino"}]}`), &st))
	assert.Equal(t, "Masculino", RenderField(st, "1"))
	assert.Equal(t, "Feminino", RenderField(st, 2.0))
	require.NoError(t, json.Unmarshal([]byte(`{"type":"C","cbox":"1=Masculino;2=Feminino"}`), &st))
	assert.Equal(t, "Feminino", RenderField(st, "2"))
	require.NoError(t, json.Unmarshal([]byte(`{"type":"C","cbox":["S=Sim","N=Não"]}`), &st))
	assert.Equal(t, "Não", RenderField(st, "n"))
	require.NoError(t, json.Unmarshal([]byte(`{"type":"C","cbox":null}`), &st))
	assert.Equal(t, "1", RenderField(st, "1"))
}
