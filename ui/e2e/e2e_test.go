// Package e2e drives the real balcao binary in a real terminal (tmux): the attendant's whole path on the
// embedded sandbox and demo directory.
package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/termtest"
)

// wait is generous: the first start builds the demo directory, and the machine is shared.
const (
	startWait = 120 * time.Second
	wait      = 20 * time.Second
)

// buildBinary builds ./cmd/balcao from the module root into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	require.FileExists(t, filepath.Join(root, "go.mod"))
	bin := filepath.Join(t.TempDir(), "balcao")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/balcao")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/balcao: %s", out)
	return bin
}

// isolatedEnv points HOME and the XDG dirs at a temp dir, so the console uses the embedded sandbox and demo
// directory and writes nothing outside the test.
func isolatedEnv(t *testing.T) []string {
	home := t.TempDir()
	env := []string{"HOME=" + home, "NO_COLOR="}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		env = append(env, k+"="+filepath.Join(home, strings.ToLower(strings.TrimPrefix(k, "XDG_"))))
	}
	for _, kv := range os.Environ() { // never reach a real upstream from a test
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "BALCAO_") {
			env = append(env, k+"=")
		}
	}
	return env
}

// groupedRE is a protocol as the console shows it.
var groupedRE = regexp.MustCompile(`\b\d{4}( \d{4}){3} \d{1,4}\b`)

func TestConsoleEndToEnd(t *testing.T) {
	termtest.Require(t)
	if testing.Short() {
		t.Skip("e2e: builds and runs the real binary")
	}
	bin := buildBinary(t)
	term := termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: isolatedEnv(t)},
		bin, "console", "--server-addr", "127.0.0.1:0")

	s := term.WaitFor("Buscar:", startWait)
	assert.Contains(t, s, "DEMONSTRAÇÃO")
	assertLegible(t, s, 100, 30)

	// A seed person by name, without accents.
	term.Type("joao pedro")
	s = term.WaitFor("João Pedro", wait)
	assert.Contains(t, s, "MS PLATINUM")
	assert.Contains(t, s, "158.467.727-77")

	term.SendKeys("Enter")
	s = term.WaitFor("[1 Resumo]", wait) // the Resumo, every call answered (no spinner in the tab)
	assert.Contains(t, s, "CPF 158.467.727-77")
	assertLegible(t, s, 100, 30)
	term.SendKeys("2")
	term.WaitFor("Dados Pessoais", wait) // Contrato

	term.SendKeys("3")
	s = term.WaitFor("BENEFICIARIO TITULAR", wait) // Família
	assert.Contains(t, s, "[3 Família]")
	term.SendKeys("Tab")
	s = term.WaitFor("Classes de carência", wait) // Carências
	assert.NotContains(t, s, "Carregando")
	if !strings.Contains(s, "Grupos de carência") { // below the fold: the last line says so
		assert.Contains(t, s, "PgDn mostra mais abaixo")
		term.SendKeys("PageDown")
		term.WaitFor("Grupos de carência", wait)
	}
	term.SendKeys("7")
	s = term.WaitFor("rotocolos no Mosia", wait)
	before := groupedRE.FindAllString(s, -1)

	// A new occurrence with the defaults, sent with Ctrl+S.
	term.SendKeys("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("C-s")
	s = term.WaitFor("Ocorrência registrada no Mosia", wait)
	protocols := groupedRE.FindAllString(s, -1)
	require.NotEmpty(t, protocols, "the new protocol is on screen:\n%s", s)
	protocol := protocols[0]
	assert.NotContains(t, before, protocol)

	// Back on Beneficiário, Protocolos lists it.
	term.SendKeys("Escape")
	s, ok := term.Until(func(s string) bool { // the protocol is on the outcome screen too: wait for the tab
		return strings.Contains(s, "[7 Protocolos]") && strings.Contains(s, protocol)
	}, wait)
	require.True(t, ok, "Protocolos lists the new protocol:\n%s", s)
	assert.Contains(t, s, "Ocorrência de João Pedro enviada: protocolo "+protocol, "status-bar notice, grouped too")

	// Screenshots at the smallest and a large size stay legible.
	term.Resize(80, 24)
	s, ok = term.Until(func(s string) bool { // tmux shows the old frame cut to 80 columns until the console redraws
		return strings.Contains(s, protocol) && strings.HasSuffix(strings.TrimRight(s, " \n"), "? ajuda · q sair")
	}, wait)
	require.True(t, ok, "redrawn at 80x24:\n%s", s)
	assertLegible(t, s, 80, 24)
	term.Resize(200, 50)
	s, ok = term.Until(func(s string) bool { return strings.Contains(s, "Nascimento 05/08/1994") }, wait)
	require.True(t, ok, "at 200 columns the whole header fits:\n%s", s)
	assertLegible(t, s, 200, 50)
	term.Resize(50, 12)
	term.WaitFor("Terminal pequeno demais", wait)
	term.Resize(100, 30)
	term.WaitFor(protocol, wait)

	term.SendKeys("Escape")
	term.WaitFor("Buscar: joao pedro", wait)
	term.SendKeys("q")
	term.WaitFor("Buscar: joao pedroq", wait) // the field is focused: q types
	term.SendKeys("Escape")                   // leave the field (sent alone: Esc followed at once by q reads as alt+q)
	term.WaitFor("esc limpar a busca", wait)
	term.SendKeys("q")
	term.WaitFor("[programa terminou: status 0]", wait)
}

// assertLegible checks a screenshot: full height, nothing wider than the terminal, the status bar and help footer at
// the bottom, and no text cut mid-word without an ellipsis at the right edge.
func assertLegible(t *testing.T, screen string, width, height int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	for len(lines) < height { // capture-pane drops trailing empty rows
		lines = append(lines, "")
	}
	require.Len(t, lines, height, "screen:\n%s", screen)
	for i, l := range lines {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), width, "line %d wider than %d: %q", i, width, l)
		trimmed := strings.TrimRight(l, " ")
		if utf8.RuneCountInString(trimmed) == width && !strings.HasSuffix(trimmed, "…") && !strings.HasSuffix(trimmed, "─") &&
			!strings.HasSuffix(trimmed, "╮") && !strings.HasSuffix(trimmed, "╯") && !strings.HasSuffix(trimmed, "│") {
			t.Errorf("line %d fills the width without an ellipsis (cut?): %q", i, l)
		}
	}
	status, help := lines[height-2], lines[height-1]
	assert.True(t, strings.Contains(status, "DEMONSTRAÇÃO") || strings.Contains(status, "PRODUÇÃO"),
		"status bar on the last-but-one line: %q", status)
	assert.True(t, strings.Contains(help, "? ajuda") || strings.Contains(help, "ctrl+c sair"), "help footer on the last line: %q", help)
}
