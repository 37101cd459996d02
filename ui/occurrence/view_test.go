package occurrence

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/common"
)

// scenarios put the screen in each state worth looking at.
var scenarios = []struct {
	name string
	prep func(t testing.TB, e *env) *Model
}{
	{"fresh", func(t testing.TB, e *env) *Model { return e.open(t) }},
	{"invalid", func(t testing.TB, e *env) *Model {
		m := e.open(t)
		focusOn(t, m, fRequester, 0)
		send(m, keyLeft)
		focusOn(t, m, fOtherKey, 0)
		typeText(m, "12345678900")
		focusOn(t, m, fOtherEmail, 0)
		typeText(m, "pedro@")
		focusOn(t, m, fForm, 0)
		send(m, keySpace)
		submitNow(t, m)
		return m
	}},
	{"sending", func(t testing.TB, e *env) *Model {
		m := e.open(t)
		send(m, keyCtrlS)
		return m
	}},
	{"sent", func(t testing.TB, e *env) *Model {
		m := e.open(t)
		submitNow(t, m)
		return m
	}},
	{"pending", func(t testing.TB, e *env) *Model {
		e.ob.state, e.ob.protocol = common.OutboxPending, ""
		e.ob.reason = "Não enviada ainda: o Mosia não respondeu a tempo. A ocorrência está guardada e será reenviada automaticamente."
		m := e.open(t)
		submitNow(t, m)
		return m
	}},
	{"correction", func(t testing.TB, e *env) *Model {
		e.ob.state, e.ob.protocol = common.OutboxNeedsCorrection, ""
		e.ob.reason = `O Mosia recusou a ocorrência: "idAssunto não pertence ao tipo informado". Corrija os dados e envie de novo.`
		m := e.open(t)
		submitNow(t, m)
		return m
	}},
	{"confirm", func(t testing.TB, e *env) *Model {
		m := e.open(t)
		focusOn(t, m, fNote, 0)
		typeText(m, "cliente pediu retorno")
		send(m, keyEsc)
		return m
	}},
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, sc := range scenarios {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				e := newEnv(t, size[0], size[1])
				m := sc.prep(t, e)
				golden.RequireEqual(t, []byte(m.View()))
			})
		}
	}
}

func TestLayoutFits(t *testing.T) {
	sizes := [][2]int{{79, 24}, {80, 24}, {81, 24}, {100, 30}, {120, 40}, {160, 45}, {200, 50}, {250, 70}, {60, 16}}
	for _, sc := range scenarios {
		for _, size := range sizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, w, h), func(t *testing.T) {
				e := newEnv(t, 120, 40)
				m := sc.prep(t, e)
				m.SetSize(w, h) // a resize after the fact must fit too
				assertFits(t, m.View(), w, h)
			})
		}
	}
}

// TestFocusedFieldAlwaysVisible walks every field at the smallest size: the focused marker is always on screen.
func TestFocusedFieldAlwaysVisible(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	focusOn(t, m, fRequester, 0)
	send(m, keyLeft) // outra pessoa: 4 more fields
	focusOn(t, m, fForm, 0)
	send(m, keySpace) // and a form of 5
	m.SetSize(80, 16)
	n := len(m.slots())
	for i := 0; i < 2*n; i++ {
		v := m.View()
		assertFits(t, v, 80, 16)
		require.Contains(t, v, "›", "step %d: the focused field is on screen", i)
		send(m, keyTab)
	}
}

func assertFits(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	assert.Len(t, lines, h, "line count")
	for i, l := range lines {
		assert.LessOrEqual(t, ansi.StringWidth(ansi.Strip(l)), w, "line %d too wide: %q", i, l)
	}
}

func BenchmarkView(b *testing.B) {
	e := newEnv(b, 200, 50)
	m := e.open(b)
	focusOn(b, m, fRequester, 0)
	send(m, keyLeft)
	focusOn(b, m, fForm, 0)
	send(m, keySpace)
	focusOn(b, m, fNote, 0)
	typeText(m, "cliente pediu segunda via")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/view")
}
