package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/termtest"
)

// The whole desk end to end: a protocol followed up from the console (a note, a closing) and checked on the
// sandbox's own HTTP API; kill -9 between Ctrl+S and Mosia's answer; Autorizações and Financeiro against the
// sandbox's figures; a person only TOTVS knows found by name.

// patrickProtocol is Patrick's newest protocol (Mosia's example, with a filled form).
const patrickProtocol = "1111120240710000017"

// detailOf is what the sandbox's Mosia says of a protocol: its status, its notes, its closing reason.
type detailOf struct {
	Status string
	Notes  []string
	Reason string
	Draft  bool
}

// mosiaDetail reads a protocol's detail from the sandbox over HTTP, as Mosia's panel would.
func mosiaDetail(t *testing.T, sb *sandboxRun, protocol string) detailOf {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, sb.mosiaURL+"/clientes/ocorrencias/"+protocol, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", sb.mosiaToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Data struct {
			Ocorrencia struct {
				Status    struct{ Descricao string } `json:"status"`
				Rascunho  bool                       `json:"rascunho"`
				Anotacoes []struct {
					Mensagem string `json:"mensagem"`
				} `json:"anotacoes"`
				Desfecho *struct {
					Motivo struct{ Descricao string } `json:"motivo"`
				} `json:"desfecho"`
			} `json:"ocorrencia"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	o := body.Data.Ocorrencia
	d := detailOf{Status: o.Status.Descricao, Draft: o.Rascunho}
	for _, n := range o.Anotacoes {
		d.Notes = append(d.Notes, n.Mensagem)
	}
	if o.Desfecho != nil {
		d.Reason = o.Desfecho.Motivo.Descricao
	}
	return d
}

// consoleOn starts a console at w×h on a running sandbox (its config file), in home.
func consoleOn(t *testing.T, home string, sb *sandboxRun, w, h int) *termtest.Term {
	term := termtest.Start(t, termtest.Options{Width: w, Height: h, Env: homeEnv(t, home)},
		binary(t), "--config", sb.cfg, "console", "--server-addr", "127.0.0.1:0")
	term.WaitFor("Buscar:", startWait)
	return term
}

// openPatrickProtocol opens Patrick, then his newest protocol from Protocolos (tab 7).
func openPatrickProtocol(t *testing.T, term *termtest.Term, timeout time.Duration) {
	term.Type("13331584754")
	term.WaitFor("Patrick Oliveira Cabral", timeout)
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", timeout)
	term.Type("7")
	term.WaitFor("[7 Protocolos]", timeout)
	term.SendKeys("Enter")
	term.WaitFor("Protocolo 1111 1202 4071 0000 017", timeout)
	term.WaitFor("Solicitante", timeout) // the detail, not its spinner
}

// closingChoice is the status chosen in the form, when it closes the protocol.
var closingChoice = regexp.MustCompile(`‹ (.+) \(encerra\) ›`)

// Open Patrick's protocol, add a note, close it with a reason: the sandbox has the note once and the new status,
// at 80×24 and at 200×50.
func TestE2EProtocolNoteAndClose(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			home := t.TempDir()
			sb := startSandbox(t, home)
			term := consoleOn(t, home, sb, size[0], size[1])
			openPatrickProtocol(t, term, wait)
			note := fmt.Sprintf("Retorno combinado por telefone (%dx%d).", size[0], size[1])
			term.Type("a")
			term.WaitFor("Nova anotação", wait)
			term.Type(note)
			term.SendKeys("C-s")
			term.WaitFor("Enviada: Anotação", wait)
			assert.Equal(t, []string{note}, mosiaDetail(t, sb, patrickProtocol).Notes)

			term.Type("s")
			term.WaitFor("Mudar o status", wait)
			s, ok := term.Until(func(s string) bool {
				if closingChoice.MatchString(s) {
					return true
				}
				term.SendKeys("Right")
				return false
			}, wait)
			require.True(t, ok, "a closing status to choose:\n%s", s)
			status := closingChoice.FindStringSubmatch(s)[1]
			term.SendKeys("Tab", "Right", "Tab")
			term.Type("Reembolso aprovado.")
			term.SendKeys("C-s")
			s = term.WaitFor("Enviada: Protocolo", wait)
			assertLegible(t, s, size[0], size[1])

			d := mosiaDetail(t, sb, patrickProtocol)
			assert.Equal(t, status, d.Status, "the new status in Mosia")
			assert.NotEmpty(t, d.Reason, "closed with a reason")
			assert.Equal(t, []string{note}, d.Notes, "the note once")
		})
	}
}

// kill -9 the console between Ctrl+S and Mosia's answer (the sandbox answers after 2 s): after a restart the
// outbox settles the note, and the sandbox has it exactly once.
func TestE2EKillBetweenSubmitAndAnswer(t *testing.T) {
	home := t.TempDir()
	sb := startSandbox(t, home, "--latency", "2s")
	f, err := os.OpenFile(sb.cfg, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	// The restarted console takes the item over once the lease ends; the check before sending again gets a
	// quarter of it, more than the sandbox's latency.
	_, err = f.WriteString("\n[outbox]\nlease = \"12s\"\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	slow := 60 * time.Second
	term := consoleOn(t, home, sb, 100, 30)
	openPatrickProtocol(t, term, slow)
	note := "Anotação enviada antes do kill -9."
	term.Type("a")
	term.WaitFor("Nova anotação", wait)
	term.Type(note)
	term.SendKeys("C-s")
	sending := regexp.MustCompile(`Enviando ao Mosia… [1-9]s`) // stored, and the call in flight for a second
	s, ok := term.Until(func(s string) bool { return sending.MatchString(s) }, slow)
	require.True(t, ok, "the note on its way:\n%s", s)
	pid := term.ProgramPID()
	require.NotZero(t, pid)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	s, ok = term.Until(func(s string) bool { // the shell's line wraps at the terminal's width
		return strings.Contains(strings.ReplaceAll(s, "\n", ""), "[programa terminou")
	}, wait)
	require.True(t, ok, "killed:\n%s", s)
	term.Close()
	// Mosia may or may not have the note now (the request was on the wire); either way, after a restart the
	// outbox settles it: sent again when Mosia does not have it, recorded as sent when it does.
	t.Logf("notes in the sandbox right after the kill: %d", len(mosiaDetail(t, sb, patrickProtocol).Notes))

	term = consoleOn(t, home, sb, 100, 30)
	term.SendKeys("Escape") // out of the search field (sent alone: Esc then p at once reads as alt+p)
	term.WaitFor("/ buscar", wait)
	term.Type("p")
	term.WaitFor("Pendências", wait)
	term.WaitFor("Nada pendente", 2*slow) // nothing unsent left: the note was settled
	assert.Equal(t, []string{note}, mosiaDetail(t, sb, patrickProtocol).Notes, "exactly one note")
}

// Autorizações and Financeiro of the seed card at 80×24 show the sandbox's guides and amounts, no status and no
// amount cut.
func TestE2EAuthorizationsAndBillingAt80x24(t *testing.T) {
	home := t.TempDir()
	sb := startSandbox(t, home)
	term := consoleOn(t, home, sb, 80, 24)
	const card = "00011008000027010"
	tc := totvs.New(totvs.Options{BaseURL: sb.totvsURL, User: sb.totvsUser, Password: sb.totvsPass})
	t.Cleanup(func() { _ = tc.Close() })
	now := time.Now()
	ctx := context.Background()
	auth, err := tc.Authorizations(ctx, card, model.AuthorizationQuery{
		Window: model.LastDays(now, model.DefaultAuthorizationDays), Page: 1})
	require.NoError(t, err)
	require.NotEmpty(t, auth.Items, "the seed card has guides in the last 90 days")
	bill, err := tc.BillingMonth(ctx, card, model.MonthOf(now), model.MonthOf(now))
	require.NoError(t, err)
	require.False(t, bill.Empty(), "the seed card has a bill this month")

	term.Type(card)
	term.WaitFor("HERNANDES ALVES DA SILVA", wait)
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", wait)
	term.Type("5")
	s := term.WaitFor("Guias de ", wait)
	assertLegible(t, s, 80, 24)
	lines := strings.Split(s, "\n")
	shown := 0
	for _, a := range auth.Items {
		d, ok := model.ParseDate(a.Date)
		require.True(t, ok, "a guide's date: %q", a.Date)
		date := model.FormatDateBR(d)
		for _, l := range lines {
			if strings.Contains(l, date+"  ") && !strings.Contains(l, "Guias de") {
				assert.Contains(t, l, "  "+a.Status+"  ", "the status whole: %q", l)
				shown++
				break
			}
		}
	}
	assert.GreaterOrEqual(t, shown, min(3, len(auth.Items)), "the newest guides on screen:\n%s", s)
	assert.Contains(t, s, auth.Items[0].Guide)

	term.Type("6")
	s = term.WaitFor("Mês "+model.MonthOf(now).String(), wait)
	assertLegible(t, s, 80, 24)
	assert.Contains(t, s, bill.Amount.String(), "the total")
	for _, mem := range bill.Members {
		assert.Contains(t, s, mem.Amount.String(), "%s's amount", mem.Name)
		for _, it := range mem.Items {
			assert.Contains(t, s, it.Value.String(), "%s's %s", mem.Name, it.Description)
		}
	}
}

// A person only the sandbox's TOTVS knows (not in the demo directory) is found by name, marked "do TOTVS", and
// opens as anyone else.
func TestE2ETOTVSOnlyPersonFoundByName(t *testing.T) {
	term := console(t, t.TempDir(), 100, 30)
	term.Type("larissa monteiro duarte")
	s := term.WaitFor("do TOTVS", wait)
	assert.Contains(t, s, "LARISSA MONTEIRO DUARTE")
	assert.Contains(t, s, "Ninguém no diretório; o TOTVS encontrou 1 pessoa")
	term.SendKeys("Enter")
	s = term.WaitFor("[1 Resumo]", wait)
	assert.Contains(t, s, "LARISSA MONTEIRO DUARTE")
	assert.Contains(t, s, "0001.0001.000091.01-7")
	assertLegible(t, s, 100, 30)
}
