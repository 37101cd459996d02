package common

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/stretchr/testify/assert"
)

func TestTruncate(t *testing.T) {
	bold := lipgloss.NewStyle().Bold(true)
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"João Pedro", 20, "João Pedro"},
		{"João Pedro", 10, "João Pedro"},
		{"João Pedro", 6, "João …"},
		{"João Pedro", 1, "…"},
		{"João Pedro", 0, ""},
		{"CPF 235.764.830-98", 8, "CPF 235…"},
	} {
		got := Truncate(tc.in, tc.width)
		assert.Equal(t, tc.want, got, "%q at %d", tc.in, tc.width)
		assert.LessOrEqual(t, Width(got), max(tc.width, 0))
	}
	styled := Truncate(bold.Render("HERNANDES ALVES DA SILVA"), 10)
	assert.Equal(t, 10, Width(styled), "ANSI-aware")
	assert.True(t, strings.HasSuffix(lipgloss.NewStyle().Render(styled), "…") || strings.Contains(styled, "…"))
}

func TestPadAndFit(t *testing.T) {
	assert.Equal(t, "ab   ", PadRight("ab", 5))
	assert.Equal(t, "   ab", PadLeft("ab", 5))
	assert.Equal(t, "abcd…", PadRight("abcdefgh", 5))
	got := Fit("uma linha longa demais\nduas\ntrês\nquatro", 10, 3)
	assert.Equal(t, []string{"uma linha…", "duas", "três"}, strings.Split(got, "\n"))
	assert.Equal(t, []string{"a", "", ""}, strings.Split(Fit("a", 10, 3), "\n"))
	assert.Equal(t, "", Fit("a", 10, 0))
	assert.Equal(t, 3, Lines("a\nb\nc"))
}

func TestWrapWords(t *testing.T) {
	assert.Equal(t, []string{"Tente o CPF,", "a", "carteirinha…"}, WrapWords("Tente o CPF, a carteirinhaxyz", 12))
	assert.Equal(t, []string{"um", "dois"}, WrapWords("um\ndois", 10))
	assert.Nil(t, WrapWords("x", 0))
}

func TestBadgeAlwaysCarriesText(t *testing.T) {
	st := NewStyles(lipgloss.DefaultRenderer())
	for _, s := range []string{"Ativo", "Bloqueado", "Bloqueio Futuro", "Outra"} {
		assert.Contains(t, Badge(st, s), s)
	}
	assert.Equal(t, "", Badge(st, "  "))
	assert.Equal(t, "15/06/2001", DateBR("2001-06-15"))
	assert.Equal(t, "??", DateBR("??"))
	assert.Equal(t, "10/07/2024 12:35", DateTime(time.UnixMilli(1720625728313)))
	assert.Equal(t, "", DateTime(time.Time{}))
}

func TestReveal(t *testing.T) {
	tests := []struct {
		name                              string
		offset, start, end, height, total int
		want                              int
	}{
		{"already in view", 3, 4, 5, 10, 40, 3},
		{"above: scrolls up to start", 10, 4, 5, 10, 40, 4},
		{"below: scrolls down to end", 0, 12, 13, 10, 40, 4},
		{"taller than the window: its start", 0, 20, 35, 10, 40, 20},
		{"one-line window", 0, 7, 8, 1, 40, 7},
		{"never past the end", 39, 39, 39, 10, 40, 30},
		{"everything fits", 5, 0, 0, 10, 4, 0},
		{"empty", 3, 0, 0, 10, 0, 0},
		{"no window", 3, 5, 6, 0, 40, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Reveal(tt.offset, tt.start, tt.end, tt.height, tt.total))
		})
	}
}
