package history

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"

	"github.com/balcao/balcao/ui/common"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func session(n int) *common.Context {
	ctx := common.NewContext(&common.Services{}, common.Session{Attendant: "ana", Output: &strings.Builder{}})
	at := time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		ctx.History.Add(common.Sent{ItemID: string(rune('A'+i%26)) + strings.Repeat("x", i), At: at.Add(time.Duration(i) * time.Minute),
			Name: "Patrick Oliveira Cabral", Type: "Solicitação / Atualização cadastral",
			State: common.OutboxSent, Protocol: "34567820261130500001"})
	}
	return ctx
}

// Every occurrence of the session with its protocol grouped and its state; the state follows the outbox; y copies
// the protocol raw.
func TestHistoryListsAndCopies(t *testing.T) {
	ctx := session(2)
	ctx.History.Add(common.Sent{ItemID: "P", Name: "Ana", State: common.OutboxPending})
	m := New(ctx)
	m.SetSize(100, 20)
	v := ansi.Strip(m.View())
	assert.Contains(t, v, "Ocorrências e ações enviadas nesta sessão")
	assert.Contains(t, v, "3 envios nesta sessão", "occurrences and actions on protocols alike")
	assert.Contains(t, v, "3456 7820 2611 3050 0001")
	assert.Contains(t, v, "Pendente")
	ctx.History.Update(common.OutboxItem{ID: "P", State: common.OutboxSent, Protocol: "11112024071000001"})
	m.Update(nil)
	assert.Contains(t, ansi.Strip(m.View()), "1111 2024 0710 0000 1")
	cmd := m.copy()
	assert.NotNil(t, cmd)
	out := ctx.Session.Output.(*strings.Builder)
	_ = cmd()
	assert.Contains(t, out.String(), "\x1b]52;c;", "copied through the terminal")
}

func BenchmarkViewHistory200x50(b *testing.B) {
	m := New(session(40))
	m.SetSize(200, 47)
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/view")
}

// At 80 columns an entry whose whom-and-what does not fit takes a second row: an action's summary stays whole; at
// 200 it is one row. The selection moves by entry, not by row.
func TestHistoryRowsFitTheWidth(t *testing.T) {
	ctx := session(1)
	ctx.History.Add(common.Sent{ItemID: "N", Name: "Patrick Oliveira Cabral", Type: "Anotação interna",
		State: common.OutboxSent, Protocol: "1111120240710000017", FollowUp: true})
	for _, tt := range []struct {
		width, rows int
	}{{80, 4}, {200, 2}} {
		m := New(ctx)
		m.SetSize(tt.width, 20)
		v := ansi.Strip(m.View())
		assert.Contains(t, v, "Patrick Oliveira Cabral · Anotação interna", "width %d", tt.width)
		assert.Contains(t, v, "Patrick Oliveira Cabral · Solicitação / Atualização cadastral", "width %d", tt.width)
		assert.Equal(t, tt.rows, strings.Count(strings.TrimRight(v, " \n"), "\n")-2, "width %d: %s", tt.width, v)
		m.list.Move(1)
		assert.Equal(t, 1, m.list.Selected(), "the second entry, whatever its rows")
	}
}
