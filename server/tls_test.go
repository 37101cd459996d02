package server

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/testcert"
)

// serveTLS serves a test server with the TLS pair at cert and key on a loopback port.
func serveTLS(t *testing.T, cert, key string) string {
	t.Helper()
	log := discardLogger()
	cfg, err := LoadTLS(cert, key, log)
	require.NoError(t, err)
	s := mustNew(t, newDirectory(t, fixture), Options{TLS: cfg, Logger: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

func serial(t *testing.T, ca *testcert.CA, addr string) int64 {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
	require.NoError(t, err)
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

func TestTLSKeepsTheLastGoodCertificateWhenAChangeDoesNotLoad(t *testing.T) {
	ca, err := testcert.NewCA()
	require.NoError(t, err)
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	require.NoError(t, ca.Issue(cert, key, 7))
	addr := serveTLS(t, cert, key)
	assert.Equal(t, int64(7), serial(t, ca, addr))

	// A half-written certificate (rotation caught mid-copy) keeps the old one in service.
	require.NoError(t, os.WriteFile(cert, []byte("-----BEGIN CERTIFICATE-----\nMIIB"), 0o600))
	time.Sleep(recheckEvery + 100*time.Millisecond)
	assert.Equal(t, int64(7), serial(t, ca, addr), "a change that does not load keeps the last good pair")

	// The completed rotation is served.
	require.NoError(t, ca.Issue(cert, key, 8))
	require.Eventually(t, func() bool { return serial(t, ca, addr) == 8 }, 5*time.Second, 50*time.Millisecond)

	// Plain HTTP on the TLS port is refused.
	resp, err := http.Post("http://"+addr+"/buscaBeneficiarios", "application/json", strings.NewReader(`{"cpf":"15846772777"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestLoadTLSRefusesWhatItCannotTrust(t *testing.T) {
	ca, err := testcert.NewCA()
	require.NoError(t, err)
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	require.NoError(t, ca.Issue(cert, key, 1))
	other, otherKey := filepath.Join(dir, "o.pem"), filepath.Join(dir, "ok.pem")
	require.NoError(t, ca.Issue(other, otherKey, 2))

	_, err = LoadTLS(cert, filepath.Join(dir, "missing.pem"), nil)
	assert.ErrorContains(t, err, "missing.pem")
	_, err = LoadTLS(cert, otherKey, nil)
	assert.ErrorContains(t, err, "não formam um par válido", "a key that is not the certificate's")
	require.NoError(t, os.Chmod(key, 0o640))
	_, err = LoadTLS(cert, key, nil)
	assert.ErrorContains(t, err, "chmod 600")
	require.NoError(t, os.Chmod(key, 0o600))
	cfg, err := LoadTLS(cert, key, nil)
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
}

func TestLocalSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "busca-local.secret")
	a, err := LocalSecret(path)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(a), 40)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := LocalSecret(path)
	require.NoError(t, err)
	assert.Equal(t, a, b, "generated once, then reused")

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = LocalSecret(path)
	assert.ErrorContains(t, err, "pode ser lido por outros", "a secret others could read is refused, not used")
	require.NoError(t, os.Chmod(path, 0o600))
	require.NoError(t, os.WriteFile(path, []byte("curto\n"), 0o600))
	_, err = LocalSecret(path)
	assert.ErrorContains(t, err, "curto demais")

	// Two processes starting at once agree on one secret.
	shared := filepath.Join(t.TempDir(), "s")
	got := make(chan string, 8)
	for range 8 {
		go func() { s, _ := LocalSecret(shared); got <- s }()
	}
	first := <-got
	for range 7 {
		assert.Equal(t, first, <-got)
	}
}
