package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/ui/termtest"
)

// Two demo runs in a row keep one outbox while the embedded sandbox starts afresh: each Ctrl+S must still be
// exactly one occurrence. (The sandbox used to number from the same point on every start, so the second run got
// the first run's protocol back, took it for someone else's and sent the occurrence again.)
func TestDemoRunsTwiceOneOccurrenceEach(t *testing.T) {
	termtest.Require(t)
	if testing.Short() {
		t.Skip("e2e: builds and runs the real binary")
	}
	bin := buildBinary(t)
	env := isolatedEnv(t)
	first := sendOneOccurrence(t, bin, env)
	second := sendOneOccurrence(t, bin, env)
	assert.NotEqual(t, first, second, "a restarted demo never hands out a number the kept outbox holds")

	home := strings.TrimPrefix(env[0], "HOME=")
	box, err := outbox.Open(filepath.Join(home, "data_home", "balcao", "demo", "ocorrencias.db"))
	require.NoError(t, err)
	defer box.Close()
	items, err := box.List(context.Background())
	require.NoError(t, err)
	require.Len(t, items, 2, "one Ctrl+S, one occurrence, on each run")
	for i, want := range []string{first, second} {
		assert.Equal(t, outbox.Sent, items[i].State)
		assert.Equal(t, want, items[i].Protocol)
		assert.Empty(t, items[i].Flag)
		assert.Equal(t, 1, items[i].Attempts, "sent once, never resent")
	}
}

// sendOneOccurrence runs the console once: opens João Pedro, sends an occurrence with the defaults, quits, and
// returns the protocol shown.
func sendOneOccurrence(t *testing.T, bin string, env []string) string {
	t.Helper()
	term := termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: env}, bin, "console", "--server-addr", "127.0.0.1:0")
	defer term.Close()
	term.WaitFor("Buscar:", startWait)
	term.Type("joao pedro")
	term.WaitFor("João Pedro", wait)
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", wait)
	term.SendKeys("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("C-s")
	s := term.WaitFor("Ocorrência registrada no Mosia", wait)
	assert.NotContains(t, s, "não informou o protocolo")
	protocols := groupedRE.FindAllString(s, -1)
	require.NotEmpty(t, protocols, "the new protocol is on screen:\n%s", s)
	term.SendKeys("Escape")
	term.WaitGone("Nova ocorrência", wait)
	term.SendKeys("q")
	term.WaitFor("[programa terminou: status 0]", wait)
	return strings.ReplaceAll(protocols[0], " ", "")
}
