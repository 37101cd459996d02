package tabs

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

var titles = []string{"1 Contrato", "2 Família", "3 Carências", "4 Protocolos"}

// styles are the console's styles drawn with a given colour profile.
func styles(p termenv.Profile) *common.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return common.NewStyles(r)
}

func TestViewReadsWithoutColour(t *testing.T) {
	st := styles(termenv.Ascii)
	tests := []struct {
		name   string
		active int
		marks  map[int]string
		want   string
	}{
		{"first active", 0, nil, " [1 Contrato] │  2 Família  │  3 Carências  │  4 Protocolos  "},
		{"last active", 3, nil, "  1 Contrato  │  2 Família  │  3 Carências  │ [4 Protocolos] "},
		{"spinner on the active tab", 0, map[int]string{0: "⣟ "}, " [1 Contrato ⣟ ] │  2 Família  │  3 Carências  │  4 Protocolos  "},
		{"error on another tab", 2, map[int]string{1: "!"}, "  1 Contrato  │  2 Família !  │ [3 Carências] │  4 Protocolos  "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(st, titles...)
			m.SetActive(tt.active)
			for i, mark := range tt.marks {
				m.SetMark(i, mark)
			}
			assert.Equal(t, tt.want, m.View(200))
		})
	}
}

// TestStyledMarkInActiveTab draws a coloured spinner frame and error mark inside every tab, active or not, in true
// colour: every escape sequence stays whole, so stripping them leaves only the text.
func TestStyledMarkInActiveTab(t *testing.T) {
	st := styles(termenv.TrueColor)
	marks := []struct{ name, mark, plain string }{
		{"spinner", st.Warning.Render("⣟ "), "⣟ "},
		{"error", st.Error.Render("!"), "!"},
	}
	for _, mk := range marks {
		for active := range titles {
			for marked := range titles {
				t.Run(fmt.Sprintf("%s_active%d_marked%d", mk.name, active, marked), func(t *testing.T) {
					m := New(st, titles...)
					m.SetActive(active)
					m.SetMark(marked, mk.mark)
					out := m.View(250)
					plain := ansi.Strip(out)
					assert.NotContains(t, plain, "[38;", "raw colour codes on screen: %q", out)
					assert.NotContains(t, plain, "\x1b", "a cut escape sequence: %q", out)
					assert.Contains(t, out, "\x1b[", "true colour is drawn")
					want := titles[marked] + " " + mk.plain
					if marked == active {
						want = "[" + want + "]"
					}
					assert.Contains(t, plain, want)
					assert.Contains(t, plain, "["+titles[active], "the active tab is bracketed")
				})
			}
		}
	}
}

func TestViewFitsEveryWidth(t *testing.T) {
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		st := styles(p)
		for _, w := range []int{1, 20, 60, 61, 79, 80, 81, 100, 120, 160, 200, 250} {
			t.Run(fmt.Sprintf("%d_%d", p, w), func(t *testing.T) {
				m := New(st, titles...)
				m.SetActive(1)
				m.SetMark(1, st.Warning.Render("⣟ "))
				m.SetMark(3, st.Error.Render("!"))
				out := m.View(w)
				assert.LessOrEqual(t, lipgloss.Width(out), w)
				assert.NotContains(t, ansi.Strip(out), "\x1b")
				if lipgloss.Width(out) == w && w < 63 {
					assert.True(t, strings.HasSuffix(ansi.Strip(out), "…"), "cut with an ellipsis: %q", ansi.Strip(out))
				}
			})
		}
	}
}

func TestNavigation(t *testing.T) {
	m := New(styles(termenv.Ascii), titles...)
	tests := []struct {
		name       string
		active     int
		next, prev int
	}{
		{"first", 0, 1, 3},
		{"middle", 2, 3, 1},
		{"last wraps", 3, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.SetActive(tt.active)
			assert.Equal(t, tt.active, m.Active())
			assert.Equal(t, tt.next, m.Next())
			assert.Equal(t, tt.prev, m.Prev())
		})
	}
	m.SetActive(9)
	assert.Equal(t, 3, m.Active(), "no such tab: unchanged")
	require.Equal(t, 4, m.Len())

	empty := New(styles(termenv.Ascii))
	assert.Equal(t, "", empty.View(80))
	assert.Equal(t, 0, empty.Next())
}

func TestStyledTitlesAreTakenAsText(t *testing.T) {
	st := styles(termenv.TrueColor)
	m := New(st, st.Bold.Render("1 Contrato"))
	assert.Equal(t, " [1 Contrato] ", ansi.Strip(m.View(80)))
	assert.NotContains(t, ansi.Strip(m.View(80)), "\x1b")
}
