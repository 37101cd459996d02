package termtest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDrivesARealShellProgram(t *testing.T) {
	// cat echoes what is typed: a real process in a real terminal.
	term := Start(t, Options{Width: 70, Height: 12, Env: []string{"GREETING=olá mundo"}}, "sh", "-c", `echo "$GREETING"; exec cat`)
	term.WaitFor("olá mundo", 10*time.Second)
	term.Type("digitado com 'aspas' e espaços")
	term.SendKeys("Enter")
	// The typed line shows first, cat's echo of it a moment later: wait for both.
	s, ok := term.Until(func(s string) bool { return strings.Count(s, "digitado com 'aspas' e espaços") >= 2 }, 10*time.Second)
	assert.True(t, ok, "typed line and its echo:\n%s", s)

	w, h := term.Size()
	assert.Equal(t, [2]int{70, 12}, [2]int{w, h})
	term.Resize(90, 20)
	w, h = term.Size()
	assert.Equal(t, [2]int{90, 20}, [2]int{w, h})

	term.SendKeys("C-d")
	term.WaitFor("[programa terminou: status 0]", 10*time.Second)
	term.Close()
	term.Close() // idempotent
}

func TestUntilReportsFailureWithoutFailing(t *testing.T) {
	term := Start(t, Options{}, "sh", "-c", "echo pronto; sleep 60")
	term.WaitFor("pronto", 10*time.Second)
	s, ok := term.Until(func(s string) bool { return strings.Contains(s, "nunca aparece") }, 200*time.Millisecond)
	require.False(t, ok)
	assert.Contains(t, s, "pronto")
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain":       "plain",
		"HOME=/tmp/x": "HOME=/tmp/x",
		"a b":         "'a b'",
		"it's":        `'it'\''s'`,
		"":            "''",
	} {
		assert.Equal(t, want, quote(in), in)
	}
}
