package e2e

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/termtest"
)

// The console as attendants really use it, end to end in tmux: the real binary, the embedded sandbox (or a
// `balcao sandbox` process), the real terminal. One test per behaviour, sharing one build and one demo cache.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	cacheMu sync.Mutex
	cache   string
)

// binary builds ./cmd/balcao once for every test of the package.
func binary(t *testing.T) string {
	t.Helper()
	termtest.Require(t)
	if testing.Short() {
		t.Skip("e2e: builds and runs the real binary")
	}
	binOnce.Do(func() {
		gomod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			binErr = err
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(gomod)))
		dir, err := os.MkdirTemp("", "balcao-e2e-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "balcao")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/balcao")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = err
			t.Logf("go build: %s", out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// sharedCache is one XDG cache for the package: the demo directory is built once.
func sharedCache(t *testing.T) string {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if cache == "" {
		d, err := os.MkdirTemp("", "balcao-e2e-cache")
		require.NoError(t, err)
		cache = d
	}
	return cache
}

// homeEnv is an isolated HOME (config, data, state) with the shared cache; extra is added ("K=V").
func homeEnv(t *testing.T, home string, extra ...string) []string {
	env := isolatedEnv(t)
	out := make([]string, 0, len(env)+len(extra))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME":
			kv = "HOME=" + home
		case "XDG_CACHE_HOME":
			kv = "XDG_CACHE_HOME=" + sharedCache(t)
		case "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME":
			kv = k + "=" + filepath.Join(home, strings.ToLower(strings.TrimPrefix(k, "XDG_")))
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}

// console starts the demo console at w×h in home.
func console(t *testing.T, home string, w, h int, extra ...string) *termtest.Term {
	term := termtest.Start(t, termtest.Options{Width: w, Height: h, Env: homeEnv(t, home, extra...)},
		binary(t), "console", "--server-addr", "127.0.0.1:0")
	term.WaitFor("Buscar:", startWait)
	return term
}

// grouped is a protocol as the console shows it: groups of four digits.
var grouped = regexp.MustCompile(`\b\d{4}( \d{4}){3} \d{1,4}\b`)

// openPatrick searches Patrick by CPF and opens him (the Resumo).
func openPatrick(t *testing.T, term *termtest.Term) string {
	term.Type("13331584754")
	term.WaitFor("Patrick Oliveira Cabral", wait)
	term.SendKeys("Enter")
	return term.WaitFor("[1 Resumo]", wait) // no spinner in the tab: everything answered
}

// The phone path: CPF, Enter, n, Ctrl+S, the protocol grouped to be read aloud; the session history lists it
// (defects 9, 11, 15 on the way: the 80×24 header keeps the birth date and contract, the count is in pt-BR, the
// Resumo opens with plan, situation, grace and protocols on one screen).
func TestE2EPhonePathInFourKeys(t *testing.T) {
	term := console(t, t.TempDir(), 80, 24)
	term.Type("13331584754")
	s := term.WaitFor("Patrick Oliveira Cabral", wait)
	assert.Contains(t, s, "1 resultado em 1 contrato.", "pt-BR count")
	assert.NotContains(t, s, "(s)")
	term.SendKeys("Enter")
	s = term.WaitFor("[1 Resumo]", wait)
	for _, want := range []string{"[1 Resumo]", "Nasc. 14/03/1990", "Contr. 0000003", "Plano", "MS GOLD", "Situação", "Carências", "Família"} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "linhas ", "the Resumo fits 80×24")
	assertLegible(t, s, 80, 24)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("C-s")
	s = term.WaitFor("Ocorrência registrada no Mosia", wait)
	p := grouped.FindString(s)
	require.NotEmpty(t, p, "the protocol in groups of four:\n%s", s)
	assert.Contains(t, s, "enter voltar")
	assert.NotContains(t, s, "esc voltar", "the outcome's footer says it once")
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", wait)
	term.Type("h")
	s = term.WaitFor("Ocorrências e ações enviadas nesta sessão", wait)
	assert.Contains(t, s, p)
	assert.Contains(t, s, "Enviada", "the state of the entry, not the title's word")
}

// Keys typed together act one by one outside a text field (defect 1): "7n" opens Protocolos then the form, "jjjj"
// scrolls four lines, "-----" brings the protocols down to one ("Último protocolo", defect 11).
func TestE2EBurstKeys(t *testing.T) {
	term := console(t, t.TempDir(), 80, 24)
	openPatrick(t, term)
	term.Type("7n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("Escape")
	term.WaitFor("[7 Protocolos]", wait)
	term.Type("-----")
	term.WaitFor("Último protocolo no Mosia", wait)
	term.Type("2")
	term.WaitFor("linhas 1–16", wait)
	term.Type("jjjj")
	term.WaitFor("linhas 5–20", wait)
	term.Type("G") // defect 13: the ends
	term.WaitFor("↑ ou PgUp volta", wait)
	term.Type("g")
	term.WaitFor("linhas 1–16", wait)
}

// Defects 6, 7, 14: / from a family member goes straight to Busca; the help at 80×24 shows the global column and
// its whole title; the family table never cuts a name.
func TestE2ESlashHelpAndFamilyAt80(t *testing.T) {
	term := console(t, t.TempDir(), 80, 24)
	term.Type("235.764.830-98")
	term.WaitFor("HERNANDES ALVES DA SILVA", wait)
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", wait)
	term.Type("3")
	s := term.WaitFor("FABIANA SOPHIA MELO", wait)
	assert.Contains(t, s, "● HERNANDES ALVES DA SILVA", "the whole name")
	assert.NotContains(t, s, "FABIANA SOPHIA M…")
	term.Type("?")
	s = term.WaitFor("ctrl+c sair sempre", wait)
	assert.Contains(t, s, "q sair")
	assert.Contains(t, s, "fecha.", "the help's title is not cut")
	term.SendKeys("Escape")
	term.WaitGone("ctrl+c sair sempre", wait)
	term.Type("j")
	term.SendKeys("Enter")
	term.WaitFor("FABIANA SOPHIA MELO  Ativo", wait)
	term.Type("/")
	s = term.WaitFor("Buscar: 235.764.830-98", wait)
	assert.NotContains(t, s, "[1 Resumo]", "one key back to Busca")
	term.SendKeys("Escape") // leave the field: the results stay
	term.WaitFor("esc limpar a busca", wait)
	term.SendKeys("Escape") // Esc on the results clears the search
	term.WaitFor("Digite o nome", wait)
}

// Defects 8 and 10: a mobile number without DDD is found (and says so); scrolled results keep their contract's
// title on top and say which are in view.
func TestE2ESearchByMobileAndScrolling(t *testing.T) {
	term := console(t, t.TempDir(), 80, 24)
	term.Type("997981966")
	s := term.WaitFor("Patrick Oliveira Cabral", wait)
	assert.Contains(t, s, "pelo telefone (27) 99798-1966")
	term.SendKeys("C-u")
	term.WaitFor("Digite o nome", wait)
	term.Type("silva")
	term.WaitFor("resultados em", wait)
	term.SendKeys("Escape")
	term.WaitFor("esc limpar a busca", wait) // out of the field (Esc and G at once would read as Alt+G)
	term.Type("G")
	s = term.WaitFor("resultados ", wait)
	lines := strings.Split(s, "\n")
	require.Greater(t, len(lines), 5)
	var first string
	for _, l := range lines[4:] { // the field's box, then the messages; the first list line starts with ▌ or ▸/space
		if strings.HasPrefix(l, "▌") || strings.HasPrefix(l, "▸") || strings.HasPrefix(l, "  ") {
			first = l
			break
		}
	}
	assert.True(t, strings.HasPrefix(first, "▌ "), "the first row is its contract's title: %q\n%s", first, s)
	assert.Regexp(t, `resultados \d+–\d+ de \d+`, s)
}

// Defects 2 and "waiting is visible": while TOTVS is slow, the active tab's spinner is drawn whole (no escape code
// shows as text, in true colour) and says how many seconds it has waited.
func TestE2ESpinnerMarksInTrueColour(t *testing.T) {
	home := t.TempDir()
	writeConfig(t, home, "[sandbox]\nlatency = \"4s\"\n")
	term := console(t, home, 100, 30, "COLORTERM=truecolor")
	term.Type("13331584754")
	term.WaitFor("Patrick Oliveira Cabral", wait)
	term.SendKeys("Enter")
	s, ok := term.Until(func(s string) bool { return regexp.MustCompile(`\[1 Resumo \S+ [1-9]s\]`).MatchString(s) }, wait)
	require.True(t, ok, "the spinner and the seconds waited in the tab:\n%s", s)
	assert.NotContains(t, s, "[38;")
	assert.NotContains(t, s, "[0m")
	term.Type("7")
	s = term.WaitFor("Carregando", wait)
	assert.NotContains(t, s, "[38;")
}

// Defect 4 and drafts: Ctrl+C with a half-typed occurrence asks first; the draft survives the quit and is offered
// back when the beneficiary is opened again; n brings the text back.
func TestE2EDraftSurvivesCtrlC(t *testing.T) {
	home := t.TempDir()
	term := console(t, home, 100, 30)
	openPatrick(t, term)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("Down", "Down", "Down", "Down", "Down")
	term.Type("pediu a segunda via do boleto")
	term.WaitFor("pediu a segunda via do boleto", wait)
	term.SendKeys("C-c")
	term.WaitFor("Sair? há uma ocorrência sendo digitada", wait)
	term.Type("s")
	term.WaitFor("[programa terminou: status 0]", wait)
	term.Close()

	term = console(t, home, 100, 30)
	if s := openPatrick(t, term); !strings.Contains(s, "Há um rascunho") {
		term.WaitFor("Há um rascunho de ocorrência guardado", wait)
	}
	term.Type("n")
	s := term.WaitFor("Rascunho retomado", wait)
	assert.Contains(t, s, "pediu a segunda via do boleto")
	term.SendKeys("C-s")
	term.WaitFor("Ocorrência registrada no Mosia", wait)
	term.SendKeys("Enter")
	s = term.WaitFor("[1 Resumo]", wait)
	assert.NotContains(t, s, "Há um rascunho", "sent: the draft is gone")
}

// kill -9 while typing loses at most the last second: what was typed more than a second before is back.
func TestE2EKillWhileTyping(t *testing.T) {
	home := t.TempDir()
	term := console(t, home, 100, 30)
	openPatrick(t, term)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("Down", "Down", "Down", "Down", "Down")
	term.Type("texto digitado antes")
	term.WaitFor("texto digitado antes", wait)
	time.Sleep(1100 * time.Millisecond) // more than a second before the kill
	term.Type(" e logo antes")
	pid := term.ProgramPID()
	require.NotZero(t, pid)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	term.WaitFor("[programa terminou", wait)
	term.Close()

	term = console(t, home, 100, 30)
	openPatrick(t, term)
	term.WaitFor("Há um rascunho de ocorrência guardado", wait)
	term.Type("n")
	term.WaitFor("texto digitado antes", wait)
}

// Pendências: a refused occurrence opens on one instruction (defect 5: no "go to Pendências" beside the form, no
// `.".`); v shows an item's full text; x cancels it after asking; an empty Pendências offers no retry.
func TestE2ECorrectionDetailAndCancel(t *testing.T) {
	home := t.TempDir()
	writeConfig(t, home, `[catalogo]
id_funcionalidade = 9298
[[catalogo.tipos]]
id = 999
nome = "Tipo que o Mosia não conhece"
padrao = true
`)
	term := console(t, home, 100, 30)
	openPatrick(t, term)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("C-s")
	s := term.WaitFor("Corrigir ocorrência", wait)
	assert.Contains(t, s, "Tipo de ocorrência 999 não encontrado")
	assert.NotContains(t, s, `.".`)
	assert.NotContains(t, s, "Pendências (tecla p)", "the form is open here: one instruction")
	term.SendKeys("Escape")
	term.WaitGone("Corrigir ocorrência", wait)
	term.Type("p")
	term.WaitFor("Precisa de correção", wait)
	term.Type("v")
	s = term.WaitFor("Ocorrência na fila", wait)
	assert.Contains(t, s, "Tipo de ocorrência 999", "the full text")
	term.SendKeys("Escape")
	term.WaitGone("Ocorrência na fila", wait) // Esc then x at once would read as Alt+x
	term.Type("x")
	term.WaitFor("Cancelar esta ocorrência?", wait)
	term.Type("s")
	s = term.WaitFor("Nada pendente", wait)
	assert.NotContains(t, s, "tentar de novo", "nothing to retry")
	term.Type("h")
	term.WaitFor("Cancelada", wait)
}

// writeConfig writes home's config file.
func writeConfig(t *testing.T, home, text string) {
	dir := filepath.Join(home, "config_home", "balcao")
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.toml"), []byte(text), 0o600))
}

// sandboxProc runs `balcao sandbox` and returns the config file its setup line names.
func sandboxProc(t *testing.T, home string, args ...string) (cfg string, stop func()) {
	sb := startSandbox(t, home, args...)
	return sb.cfg, sb.stop
}

// sandboxLines reads the sandbox's TOTVS and Mosia lines (URL and credentials).
var (
	totvsLine = regexp.MustCompile(`TOTVS Saúde Planos: (\S+)\s+\(usuário "([^"]*)", senha "([^"]*)"`)
	mosiaLine = regexp.MustCompile(`Mosia Omnichannel:\s+(\S+)\s+\(header Authorization: (\S+)\)`)
)

// sandboxRun is a running `balcao sandbox`: the config file its setup line names, where it answers and how to
// stop it.
type sandboxRun struct {
	cfg                            string
	totvsURL, totvsUser, totvsPass string
	mosiaURL, mosiaToken           string
	stop                           func()
}

// startSandbox runs `balcao sandbox` and reads what its first lines say.
func startSandbox(t *testing.T, home string, args ...string) *sandboxRun {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary(t), append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = homeEnv(t, home)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sb := &sandboxRun{stop: func() { cancel(); _ = cmd.Wait() }}
	t.Cleanup(sb.stop)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if m := totvsLine.FindStringSubmatch(l); m != nil {
			sb.totvsURL, sb.totvsUser, sb.totvsPass = m[1], m[2], m[3]
		}
		if m := mosiaLine.FindStringSubmatch(l); m != nil {
			sb.mosiaURL, sb.mosiaToken = m[1], m[2]
		}
		if strings.HasPrefix(l, "balcao --config ") {
			sb.cfg = strings.Trim(strings.TrimSuffix(strings.TrimPrefix(l, "balcao --config "), " console"), "'")
			break
		}
	}
	require.NotEmpty(t, sb.cfg, "the sandbox prints the line that starts a console on it")
	require.NotEmpty(t, sb.mosiaURL, "the sandbox prints where Mosia answers")
	require.NotEmpty(t, sb.totvsURL, "the sandbox prints where TOTVS answers")
	go func() { _, _ = bufio.NewReader(out).WriteTo(discard{}) }()
	return sb
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Defect 12 and 3: the sandbox's setup line starts a console that works against it (its catalogue, a directory of
// its people); the bar says "ok" only once an upstream answered, "falha" when it stops answering, and a slow one is
// "lento" while its calls succeed.
func TestE2ESandboxSetupLineAndHealth(t *testing.T) {
	home := t.TempDir()
	cfg, stop := sandboxProc(t, home)
	term := termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: homeEnv(t, home)},
		binary(t), "--config", cfg, "console", "--server-addr", "127.0.0.1:0")
	s := term.WaitFor("Buscar:", startWait)
	assert.Contains(t, s, "PRODUÇÃO", "a real configuration, not the demo")
	openPatrick(t, term)
	term.WaitFor("TOTVS ok", wait)
	stop() // nothing listens any more
	term.Type("r")
	s = term.WaitFor("TOTVS falha", wait)
	assert.NotContains(t, s, "TOTVS ok")
	term.Close()

	// Nothing listening from the start: never "ok".
	term = termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: homeEnv(t, home)},
		binary(t), "--config", cfg, "console", "--server-addr", "127.0.0.1:0")
	s = term.WaitFor("Buscar:", startWait)
	assert.NotContains(t, s, "TOTVS ok")
	s = term.WaitFor("TOTVS falha", wait)
	assert.NotContains(t, s, "Mosia ok")
	term.Close()

	// Slow (3 s a call): "lento", not "falha", while the calls succeed — a send included.
	slowHome := t.TempDir()
	cfg, _ = sandboxProc(t, slowHome, "--latency", "3s")
	term = termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: homeEnv(t, slowHome)},
		binary(t), "--config", cfg, "console", "--server-addr", "127.0.0.1:0")
	term.WaitFor("Buscar:", startWait)
	openPatrick(t, term)
	term.WaitFor("TOTVS lento", wait)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("C-s")
	s = term.WaitFor("Ocorrência registrada no Mosia", 30*time.Second)
	assert.Contains(t, s, "Mosia lento")
	assert.NotContains(t, s, "falha")
}

// Defect 9: at 80 columns the status bar keeps the warning word when the busca port is taken.
func TestE2EStatusBarKeepsTheWarningWord(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	term := termtest.Start(t, termtest.Options{Width: 80, Height: 24, Env: homeEnv(t, t.TempDir())},
		binary(t), "console", "--server-addr", ln.Addr().String())
	s := term.WaitFor("Buscar:", startWait)
	assert.Contains(t, s, "ocupada", "the word that says what is wrong")
}
