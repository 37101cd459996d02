package occurrence

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/common"
)

// host is the smallest root: it runs one screen in a real program and quits on BackMsg.
type host struct {
	c    common.Component
	sent []common.OccurrenceSentMsg
}

func (h *host) Init() tea.Cmd { return h.c.Init() }

func (h *host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.c.SetSize(msg.Width, msg.Height)
		return h, nil
	case common.BackMsg:
		return h, tea.Quit
	case common.OccurrenceSentMsg:
		h.sent = append(h.sent, msg)
		return h, nil
	}
	var cmd tea.Cmd
	h.c, cmd = h.c.Update(msg)
	return h, cmd
}

func (h *host) View() string { return h.c.View() }

// TestInRealProgram drives the screen through a real Bubble Tea program: keys parsed from bytes, commands run
// asynchronously, the outcome drawn, Esc back.
func TestInRealProgram(t *testing.T) {
	e := newEnv(t, 80, 24)
	h := &host{c: New(e.ctx, common.NewOccurrenceMsg{Beneficiary: maria, Family: family})}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Solicitação")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS}) // a second press while sending or after: still one submission
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("1010 1020 2503 1000 0042")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	require.Len(t, e.ob.submits, 1)
	assert.Equal(t, []common.OccurrenceSentMsg{{ChaveUnica: maria.ChaveUnica, Protocol: "10101020250310000042"}}, final.sent)
}
