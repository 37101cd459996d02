package i18n

import "testing"

// pt-BR: one is singular; zero and everything else plural ("0 resultados", "1 resultado", "2 resultados").
func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{0, "0 resultados"}, {1, "1 resultado"}, {2, "2 resultados"}, {-1, "-1 resultado"}, {1000, "1000 resultados"},
	} {
		if got := Plural(tt.n, "%d resultado", "%d resultados"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := Plural(3, "uma pessoa", "várias pessoas"); got != "várias pessoas" {
		t.Errorf("without a count: %q", got)
	}
}
