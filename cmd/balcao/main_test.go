package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/model"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "balcao-cmd-test")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "balcao")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Stop() // the fleet tests' throwaway PostgreSQL, if they started one
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is a clean environment with XDG dirs under a temp home, no BALCAO_* from the caller.
func env(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	out := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"), "XDG_CACHE_HOME=" + filepath.Join(home, "cache")}
	return append(out, extra...)
}

func run(t *testing.T, environ []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = environ
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return o.String(), e.String(), code
}

func TestCommandErrorsArePortugueseWithExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		args     []string
		code     int
		contains string
	}{
		{"unknown command", nil, []string{"voar"}, 1, "comando desconhecido"},
		{"unknown flag", nil, []string{"--voar"}, 1, "veja \"balcao --help\""},
		{"import without file", nil, []string{"import"}, 1, "uso: balcao import ARQUIVO.csv"},
		{"import missing file", nil, []string{"import", "/nao/existe.csv"}, 1, "não foi possível abrir"},
		{"bad config env", []string{"BALCAO_TOTVS_URL=totvs:80"}, []string{"info"}, 2, "totvs.url"},
		{"half configured", []string{"BALCAO_TOTVS_URL=http://t/rest"}, []string{"serve"}, 2, "configure os dois"},
		{"serve open without secret", nil, []string{"serve", "--demo", "--addr", "0.0.0.0:0"}, 2, "ficaria aberto a qualquer um"},
		{"sandbox bad rate", nil, []string{"sandbox", "--fail-rate", "1.5"}, 1, "--fail-rate deve estar entre 0 e 1"},
		{"production without directory", []string{"BALCAO_TOTVS_URL=http://127.0.0.1:1/rest", "BALCAO_TOTVS_USER=u",
			"BALCAO_TOTVS_PASSWORD=p", "BALCAO_MOSIA_URL=http://127.0.0.1:1", "BALCAO_MOSIA_TOKEN=t"}, []string{"serve"}, 2, "catalogo.tipos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, env(t, tt.env...), tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.contains)
			assert.True(t, strings.HasPrefix(stderr, "balcao: "), stderr)
			assert.NotContains(t, stderr, "panic")
		})
	}
}

func TestHelpAndInfo(t *testing.T) {
	e := env(t)
	out, _, code := run(t, e, "--help")
	require.Equal(t, 0, code)
	for _, sub := range []string{"console", "serve", "ssh", "sandbox", "import", "info"} {
		assert.Contains(t, out, "\n  "+sub+" ")
	}
	out, _, code = run(t, e, "info")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "DEMONSTRAÇÃO")
	assert.Contains(t, out, "BALCAO_MOSIA_TOKEN")
	assert.Contains(t, out, i18n.InfoDirectoryMissing)
}

// TestInfoReportsDirectoryVersion: balcao info says a directory file's version and that opening an older one
// rebuilds it, without touching it; once opened, it is current.
func TestInfoReportsDirectoryVersion(t *testing.T) {
	e := env(t)
	src, err := os.ReadFile(filepath.Join("..", "..", "directory", "testdata", "diretorio-v5.db"))
	require.NoError(t, err)
	db := filepath.Join(t.TempDir(), "diretorio.db")
	require.NoError(t, os.WriteFile(db, src, 0o600))
	out, stderr, code := run(t, e, "--db", db, "info")
	require.Equal(t, 0, code, stderr)
	current := directory.CurrentVersion()
	assert.Contains(t, out, i18n.InfoDirectoryVersion)
	assert.Contains(t, out, i18n.InfoDirectoryRebuild(i18n.InfoVersion(5, 0), i18n.InfoVersion(current.Layout, current.Ranking), 61))
	after, err := os.ReadFile(db)
	require.NoError(t, err)
	assert.Equal(t, src, after, "info changes nothing")

	dir, err := directory.Open(context.Background(), db, directory.Options{})
	require.NoError(t, err)
	require.NoError(t, dir.Close())
	out, stderr, code = run(t, e, "--db", db, "info")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, i18n.InfoDirectoryCurrent(i18n.InfoVersion(current.Layout, current.Ranking), 61))
}

func TestImportReportsBadRowsAndKeepsGoodOnes(t *testing.T) {
	e := env(t)
	db := filepath.Join(t.TempDir(), "dir.db")
	csv := filepath.Join(t.TempDir(), "b.csv")
	require.NoError(t, os.WriteFile(csv, []byte(
		"nome;cpf;data_nascimento;numero_contrato;contrato_descricao\n"+
			"João da Silva;529.982.247-25;12/03/1980;0000009;MS PRATA\n"+
			";12345678909;01/01/1990;1;X\n"+
			"Maria Souza;123.456.789-09;31/02/1980;0000009;MS PRATA\n"+
			"Ana Lima;235.764.830-98;1975-04-02;0000010;MS OURO\n"), 0o600))
	out, stderr, code := run(t, e, "--db", db, "import", csv)
	assert.Equal(t, 1, code, "bad rows make the exit code non-zero: %s", stderr)
	assert.Contains(t, out, "linha 3:")
	assert.Contains(t, out, "linha 4:")
	assert.NotContains(t, out, "linha 2:")
	assert.Contains(t, stderr, "2 linha(s) não foram importadas")

	dir, err := directory.Open(context.Background(), db, directory.Options{})
	require.NoError(t, err)
	defer dir.Close()
	n, err := dir.Count(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the good rows are in")
	ms, err := dir.Search(context.Background(), model.Classify("silva joao"), 10)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, "MS PRATA", ms[0].Contract.Description)

	// Re-importing is safe: nothing is duplicated.
	_, _, _ = run(t, e, "--db", db, "import", csv)
	n, err = dir.Count(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestServeDemoAnswersBuscaAndStopsGracefully(t *testing.T) {
	addr := freePort(t)
	cmd := exec.Command(binPath, "serve", "--demo", "--addr", addr)
	cmd.Env = env(t, "BALCAO_SERVER_SECRET="+testSecret, "BALCAO_SANDBOX_BENEFICIARIES=500")
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill() }()

	url := "http://" + addr + "/buscaBeneficiarios"
	var resp *http.Response
	require.Eventually(t, func() bool {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"cpf":"158.467.727-77"}`))
		req.Header.Set("Authorization", testSecret)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp = r
		return true
	}, 60*time.Second, 50*time.Millisecond, "serve never answered: %s", errb.String())
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Coluna        []map[string]string `json:"coluna"`
		Beneficiarios []map[string]string `json:"beneficiarios"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Len(t, body.Beneficiarios, 2, "João Pedro under both of his contracts")
	assert.Equal(t, "0000001", body.Beneficiarios[0]["numero_contrato"])
	assert.Equal(t, "MS GOLD", body.Beneficiarios[1]["contrato_descricao"])

	noAuth, err := http.Post(url, "application/json", strings.NewReader(`{"cpf":"15846772777"}`))
	require.NoError(t, err)
	noAuth.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, noAuth.StatusCode)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "SIGTERM ends serve cleanly: %s", errb.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	assert.Contains(t, out.String(), "buscaBeneficiarios em http://"+addr)
	assert.NotContains(t, errb.String(), "15846772777", "logs never carry a full CPF/chaveUnica")
}

// lockedBuffer is a bytes.Buffer safe to read while a child process's output is copied into it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The outbox's crash test hook exists only in test builds: the binary neither reads nor names its variable.
func TestBinaryHasNoOutboxTestHook(t *testing.T) {
	b, err := os.ReadFile(binPath)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(b, []byte("BALCAO_OUTBOX_TESTHOOK")), "the test hook's variable is in the binary")
}
