package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/termtest"
)

// Defect 5, whole: at 80×24 a refused occurrence opens its correction with one instruction (never "go to Pendências"
// while the form is open, in the form or in the flash); corrected and sent, the title no longer says "Corrigir".
func TestE2ECorrectionSentChangesTheTitle(t *testing.T) {
	home := t.TempDir()
	writeConfig(t, home, `[catalogo]
id_funcionalidade = 9298
[[catalogo.tipos]]
id = 999
nome = "Tipo que o Mosia não conhece"
padrao = true
[[catalogo.tipos]]
id = 171
nome = "Atendimento Ativo"
[[catalogo.tipos.assuntos]]
id = 309
nome = "Reembolso exame"
`)
	term := console(t, home, 80, 24)
	openPatrick(t, term)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	term.SendKeys("C-s")
	s := term.WaitFor("Tipo de ocorrência 999", wait)
	assert.Contains(t, s, "Corrigir ocorrência")
	assert.NotContains(t, s, "Pendências", "the form is open here: one instruction, no contradicting flash")
	term.SendKeys("Right") // the type field has focus: the next type
	term.WaitFor("‹ Atendimento Ativo ›", wait)
	term.SendKeys("C-s")
	s = term.WaitFor("Ocorrência registrada no Mosia", wait)
	assert.NotContains(t, s, "Corrigir ocorrência", "after success the title no longer says Corrigir")
	assert.Regexp(t, grouped, s)
}

// Defect 9, the flash: at 80×24 a send that failed for a moment says all of it — kept, resent automatically — not
// cut mid-word.
func TestE2EUnsentFlashIsWholeAt80(t *testing.T) {
	home := t.TempDir()
	cfg, stop := sandboxProc(t, home)
	term := termtest.Start(t, termtest.Options{Width: 80, Height: 24, Env: homeEnv(t, home)},
		binary(t), "--config", cfg, "console", "--server-addr", "127.0.0.1:0")
	term.WaitFor("Buscar:", startWait)
	openPatrick(t, term)
	term.Type("n")
	term.WaitFor("Nova ocorrência", wait)
	stop() // Mosia stops answering
	term.SendKeys("C-s")
	s := term.WaitFor("guardada com segurança", wait)
	flat := flatten(s)
	require.Contains(t, flat, "será reenviada automaticamente", "the whole promise, not cut at 80 columns")
	assert.NotContains(t, s, "…será", "no ellipsis in the middle of the flash")
}

// flatten is the screen's text as one line: each row trimmed, joined by a space (a wrapped sentence reads whole).
func flatten(screen string) string {
	var b strings.Builder
	for _, l := range strings.Split(screen, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			b.WriteString(l)
			b.WriteByte(' ')
		}
	}
	return b.String()
}
