package fieldset

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/common"
)

func styles(p termenv.Profile) *common.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return common.NewStyles(r)
}

// sample is a form like Nova ocorrência's: a multi-line value, an indented group, a required field with an error.
func sample() []Field {
	return []Field{
		{Label: "Tipo", Required: true, Value: "Solicitação"},
		{Label: "Assunto", Value: "Segunda via"},
		{Label: "Nome", Required: true, Indent: true, Value: "", Err: "Campo obrigatório: preencha para continuar."},
		{Label: "Observação", Value: "linha 1\nlinha 2\nlinha 3"},
		{Label: "Um rótulo comprido demais para a coluna", Value: "x"},
		{Label: "Contrato", Value: "0001"},
	}
}

func TestFocusOrder(t *testing.T) {
	tests := []struct {
		name        string
		focus, n    int
		wantFocus   int
		delta, step int
	}{
		{"first, forward", 0, 6, 0, 1, 1},
		{"last wraps forward", 5, 6, 5, 1, 0},
		{"first wraps back", 0, 6, 0, -1, 5},
		{"past the end is clamped", 9, 6, 5, 2, 1},
		{"before the start is clamped", -3, 6, 0, -2, 4},
		{"no fields", 2, 0, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(styles(termenv.Ascii), 22)
			assert.Equal(t, tt.wantFocus, m.Focus(tt.focus, tt.n))
			assert.Equal(t, tt.wantFocus, m.Focused())
			assert.Equal(t, tt.step, m.Step(tt.delta, tt.n))
			assert.Equal(t, tt.wantFocus, m.Focused(), "Step does not move the focus")
		})
	}
}

func TestViewDrawsLabelsValuesAndErrors(t *testing.T) {
	m := New(styles(termenv.Ascii), 22)
	m.SetValueWidth(30)
	m.Focus(2, 6)
	got := m.View(sample(), true, 40)
	want := []string{
		"  Tipo *                Solicitação",
		"  Assunto               Segunda via",
		"›   Nome *              ",
		"                        ✗ Campo obrigatório: preencha",
		"                          para continuar.",
		"  Observação            linha 1",
		"                        linha 2",
		"                        linha 3",
		"  Um rótulo comprido d… x",
		"  Contrato              0001",
	}
	assert.Equal(t, want, got)
	inactive := m.View(sample(), false, 40)
	assert.NotContains(t, strings.Join(inactive, "\n"), "›", "no field is focused while the form is not active")
}

// TestFocusedFieldScrollsIntoView walks the focus over every field at every window height: the focused field's
// first line is always in view, and the view never has more lines than the window.
func TestFocusedFieldScrollsIntoView(t *testing.T) {
	fields := sample()
	for h := 1; h <= 12; h++ {
		for _, dir := range []int{1, -1} {
			t.Run(fmt.Sprintf("h%d_dir%d", h, dir), func(t *testing.T) {
				m := New(styles(termenv.Ascii), 22)
				m.SetValueWidth(30)
				for step := 0; step < 2*len(fields); step++ {
					m.Focus(m.Step(dir, len(fields)), len(fields))
					v := m.View(fields, true, h)
					require.LessOrEqual(t, len(v), h)
					var marked bool
					for _, l := range v {
						marked = marked || strings.HasPrefix(l, "›")
					}
					assert.True(t, marked, "field %d in view: %q", m.Focused(), v)
				}
			})
		}
	}
}

func TestViewOfNoFields(t *testing.T) {
	m := New(styles(termenv.Ascii), 22)
	assert.Empty(t, m.View(nil, true, 5))
	m.Focus(3, 0)
	assert.Empty(t, m.View(nil, true, 1))
}

func TestBoxFitsAndShowsFocus(t *testing.T) {
	ascii, colour := styles(termenv.Ascii), styles(termenv.TrueColor)
	for _, w := range []int{60, 79, 80, 81, 100, 120, 160, 200, 250} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			content := "Buscar: " + strings.Repeat("hernandes ", 30)
			for _, focused := range []bool{true, false} {
				lines := strings.Split(Box(ascii, content, focused, w), "\n")
				require.Len(t, lines, 3, "a bordered line")
				for _, l := range lines {
					assert.Equal(t, w, ansi.StringWidth(l))
				}
				assert.Contains(t, lines[1], "…", "the content is cut to the box")
			}
			assert.NotEqual(t, Box(colour, "x", true, w), Box(colour, "x", false, w), "the border colour shows the focus")
		})
	}
}
