package model

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFoldText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"joao silva", "joao silva"},
		{"João", "joao"},
		{"JOÃO DA SILVA", "joao da silva"},
		{"  Conceição   Araújo  ", "conceicao araujo"},
		{"D'Ávila,MARIA", "d avila maria"},
		{"Joa\u0303o", "joao"}, // decomposed tilde: a combining mark, not a separator
		{"Ñandú Çà ÿ", "nandu ca y"},
		{"Straße Øre Æsir Łódź", "strasse ore aesir lodz"},
		{"123.456.789-09", "123 456 789 09"},
		{"maria-josé/2ª", "maria jose 2a"},
		{"\t\nA\u00a0B", "a b"}, // NBSP is a separator
		{"Ωμέγα", "ωμεγα"},
		{"x\xffy", "x y"}, // invalid UTF-8 becomes a separator
		{"!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := FoldText(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, FoldText(got), "folding is idempotent")
		})
	}
}

func TestFoldTextFoldedASCIIDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("maria da silva ", 4) + "x"
	allocs := testing.AllocsPerRun(100, func() { _ = FoldText(s) })
	assert.Zero(t, allocs)
	allocs = testing.AllocsPerRun(100, func() { _ = FoldText("MARIA DA SILVA") })
	assert.LessOrEqual(t, allocs, 1.0)
}

func TestNameWords(t *testing.T) {
	assert.Equal(t, []string{"joao", "pedro", "d", "avila"}, NameWords(" João  Pedro D'Ávila "))
	assert.Empty(t, NameWords(" -- "))
}

func FuzzFoldText(f *testing.F) {
	for _, s := range []string{"João", "D'Ávila", "a\u0303", "\xff", "Straße"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FoldText(s)
		require.True(t, utf8.ValidString(got))
		require.Equal(t, got, FoldText(got))
		require.False(t, strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  "))
	})
}

var benchNames = []string{
	"MARIA APARECIDA DOS SANTOS", "João Pedro de Oliveira Conceição", "ana paula", "JOSÉ DA SILVA ARAÚJO",
	"Francisco Ferreira", "D'ÁVILA, Luíza Gonçalves", "pedro henrique souza", "Antônio Carlos Magalhães",
}

func BenchmarkFoldText(b *testing.B) {
	bytes := 0
	for _, n := range benchNames {
		bytes += len(n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range benchNames {
			_ = FoldText(n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchNames)), "ns/name")
	b.ReportMetric(float64(bytes*b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}
