package e2e

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/ui/termtest"
)

// The console's own busca service answers only with the local secret: another process on the same machine gets
// nothing, and what the service showed, and what the attendant opened, are in the access record.
func TestConsoleBuscaNeedsTheLocalSecretAndIsRecorded(t *testing.T) {
	termtest.Require(t)
	if testing.Short() {
		t.Skip("e2e: builds and runs the real binary")
	}
	bin := buildBinary(t)
	env := isolatedEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	term := termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: env}, bin, "console", "--server-addr", addr)
	defer term.Close()
	term.WaitFor("busca "+addr, startWait)

	home := strings.TrimPrefix(env[0], "HOME=")
	path := filepath.Join(home, "data_home", "balcao", "busca-local.secret")
	fi, err := os.Stat(path)
	require.NoError(t, err, "the console made its local secret")
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	secret := strings.TrimSpace(string(b))

	code, body := buscaPost(t, "http://"+addr+"/buscaBeneficiarios", "")
	assert.Equal(t, http.StatusUnauthorized, code, "another local process without the secret: %s", body)
	assert.NotContains(t, body, "João")
	code, body = buscaPost(t, "http://"+addr+"/buscaBeneficiarios", secret)
	assert.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "João Pedro")

	// The attendant opens João Pedro too.
	term.Type("joao pedro")
	term.WaitFor("João Pedro", wait)
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", wait)
	term.WaitGone("Carregando", wait)
	term.SendKeys("C-c")
	term.WaitFor("[programa terminou", wait)

	cmd := exec.Command(bin, "audit", "--chave", "15846772777")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "busca do painel do Mosia", "the answer to the busca is recorded")
	assert.Contains(t, string(out), "segredo-local")
	assert.Contains(t, string(out), "abriu o beneficiário", "so is the attendant's opening")
}

// buscaPost posts João Pedro's CPF, with secret in Authorization when not "".
func buscaPost(t *testing.T, url, secret string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"cpf":"158.467.727-77"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("Authorization", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}
