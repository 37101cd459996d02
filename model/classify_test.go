package model

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ids(v string, kinds ...IDKind) []Identifier { return []Identifier{{Value: v, Kinds: kinds}} }

func TestClassify(t *testing.T) {
	tests := []struct {
		term string
		want Query
	}{
		{"", Query{}},
		{"   ", Query{}},
		{"529.982.247-25", Query{IDs: ids("52998224725", IDCPF, IDChaveUnica)}},
		{"52998224725", Query{IDs: ids("52998224725", IDCPF, IDChaveUnica)}},
		{"235 764 830 98", Query{IDs: ids("23576483098", IDCPF, IDChaveUnica)}},
		// Mosia's buscaBeneficiarios example: a chaveUnica that fails the CPF check is flagged but still searched.
		{"15846772777", Query{IDs: ids("15846772777", IDChaveUnica, IDPhone, IDContract), InvalidCPF: "15846772777"}},
		{"158.467.727-77", Query{IDs: ids("15846772777", IDChaveUnica), InvalidCPF: "15846772777"}},
		{"111.111.111-11", Query{IDs: ids("11111111111", IDChaveUnica), InvalidCPF: "11111111111"}},
		{"01234567891", Query{IDs: ids("01234567891", IDChaveUnica, IDContract), InvalidCPF: "01234567891"}},
		// An unformatted mobile number is not called an invalid CPF.
		{"11987654321", Query{IDs: ids("11987654321", IDChaveUnica, IDPhone, IDContract)}},
		{"(11) 98765-4321", Query{IDs: ids("11987654321", IDPhone)}},
		{"+55 11 98765-4321", Query{IDs: ids("11987654321", IDPhone)}},
		{"+5511987654321", Query{IDs: ids("11987654321", IDPhone)}},
		{"5511987654321", Query{IDs: ids("11987654321", IDPhone)}},
		{"98765-4321", Query{IDs: ids("987654321", IDPhone)}},
		{"2733456789", Query{IDs: ids("2733456789", IDPhone, IDContract, IDChaveUnica)}},
		{"0000001", Query{IDs: ids("0000001", IDContract, IDChaveUnica, IDMatricula)}},
		// the id_matricula of Mosia's buscaBeneficiarios example
		{"123-123-321", Query{IDs: ids("123123321", IDContract, IDChaveUnica, IDMatricula)}},
		{"00100200300400500609", Query{IDs: ids("00100200300400500609", IDContract, IDChaveUnica, IDMatricula)}},
		{"00011008000027010", Query{IDs: ids("00011008000027010", IDCard)}},
		{"0001.1008.000027.01-0", Query{IDs: ids("00011008000027010", IDCard)}},
		{"everson@mobilesaude.com.br", Query{IDs: ids("everson@mobilesaude.com.br", IDChaveUnica)}},
		{"12/03/1980", Query{BirthDate: "1980-03-12"}},
		{"1980-03-12", Query{BirthDate: "1980-03-12"}},
		{"5/8/1994", Query{BirthDate: "1994-08-05"}},
		{"31/02/1980", Query{}}, // date-shaped but impossible: ignored
		{"maria 12/03/1980", Query{Words: []string{"maria"}, BirthDate: "1980-03-12"}},
		{"João da  Silva", Query{Words: []string{"joao", "da", "silva"}}},
		{"joao silv", Query{Words: []string{"joao", "silv"}}},
		{"D'Ávila", Query{Words: []string{"d", "avila"}}},
		{"maria maria", Query{Words: []string{"maria"}}},
		{"maria 0000001", Query{Words: []string{"maria"}, IDs: ids("0000001", IDContract, IDChaveUnica, IDMatricula)}},
		{"pedro 158.467.727-77", Query{Words: []string{"pedro"}, IDs: ids("15846772777", IDChaveUnica), InvalidCPF: "15846772777"}},
		{"---", Query{}},
	}
	for _, tt := range tests {
		t.Run(tt.term, func(t *testing.T) {
			got := Classify(tt.term)
			assert.Equal(t, tt.want, got)
			assertQueryConsistent(t, tt.term, got)
		})
	}
}

func TestClassifyLimits(t *testing.T) {
	q := Classify(strings.Repeat("ana beatriz carla daniela elisa fabiana gabriela helena iris julia ", 20))
	assert.Len(t, q.Words, maxWords)
	q = Classify("1 2 3 4 5 6 7")
	assert.Len(t, q.IDs, maxIDs)
	q = Classify(strings.Repeat("é", 1000))
	assert.True(t, utf8.ValidString(q.Words[0]))
	assert.LessOrEqual(t, len(q.Words[0]), maxTermBytes)
}

// assertQueryConsistent checks the invariants every Classify result keeps.
func assertQueryConsistent(t require.TestingT, term string, q Query) {
	for _, w := range q.Words {
		require.NotEmpty(t, w, term)
		require.Equal(t, FoldText(w), w, term)
		require.NotContains(t, w, " ", term)
	}
	require.LessOrEqual(t, len(q.Words), maxWords)
	require.LessOrEqual(t, len(q.IDs), maxIDs)
	if q.BirthDate != "" {
		d, ok := ParseDate(q.BirthDate)
		require.True(t, ok, term)
		require.Equal(t, q.BirthDate, d.Format("2006-01-02"), term)
	}
	for _, id := range q.IDs {
		require.NotEmpty(t, id.Value, term)
		require.NotEmpty(t, id.Kinds, term)
		require.True(t, utf8.ValidString(id.Value), term)
		seen := map[IDKind]bool{}
		for _, k := range id.Kinds {
			require.False(t, seen[k], "duplicate kind in %q", term)
			seen[k] = true
			switch k {
			case IDCPF:
				require.True(t, ValidCPF(id.Value) && len(id.Value) == 11, term)
			case IDCard:
				require.True(t, len(id.Value) == CardLen && Digits(id.Value) == id.Value, term)
			case IDPhone:
				p, ok := NormalizePhone(id.Value)
				require.True(t, ok && p == id.Value, term)
			case IDContract, IDMatricula:
				require.Equal(t, Digits(id.Value), id.Value, term)
			case IDChaveUnica:
			default:
				require.Fail(t, "unknown kind", term)
			}
		}
		if seen[IDCPF] {
			require.True(t, seen[IDChaveUnica], "a CPF is also searched as chaveUnica: %q", term)
		}
	}
	if q.InvalidCPF != "" {
		require.Len(t, q.InvalidCPF, 11, term)
		require.False(t, ValidCPF(q.InvalidCPF), term)
		require.True(t, slices.ContainsFunc(q.IDs, func(id Identifier) bool {
			return id.Value == q.InvalidCPF && slices.Contains(id.Kinds, IDChaveUnica)
		}), "an invalid CPF is still searched as chaveUnica: %q", term)
	}
	if strings.TrimSpace(term) == "" {
		require.True(t, q.Empty())
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"529.982.247-25", "15846772777", "(11) 98765-4321", "maria 12/03/1980",
		"0001.1008.000027.01-0", "everson@mobilesaude.com.br", "João da Silva", "0000001", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, term string) {
		assertQueryConsistent(t, term, Classify(term))
	})
}

var benchTerms = []string{"maria", "joao silv", "529.982.247-25", "15846772777", "(11) 98765-4321",
	"0001.1008.000027.01-0", "maria 12/03/1980", "Conceição Araújo", "0000001", "everson@mobilesaude.com.br"}

func BenchmarkClassify(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, term := range benchTerms {
			_ = Classify(term)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchTerms)), "ns/term")
}
