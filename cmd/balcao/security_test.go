package main

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/balcao/balcao/internal/testcert"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSecret is a secret long enough for balcao serve (16 characters at least).
const testSecret = "segredo-de-teste-0123456789"

func TestServeRefusesCredentialsItCannotTrust(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "a", 1)
	open := filepath.Join(dir, "open.key")
	b, err := os.ReadFile(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(open, b, 0o644))
	columns := filepath.Join(dir, "config.toml")
	require.NoError(t, os.WriteFile(columns, []byte("[server]\ncolumns = [\"nome\", \"cpf_da_mae\"]\n"), 0o600))
	tests := []struct {
		name     string
		env      []string
		args     []string
		contains []string
	}{
		{"password without user, beyond loopback", []string{"BALCAO_SERVER_AUTH_PASSWORD=x"},
			[]string{"--addr", "0.0.0.0:0"}, []string{"server.auth_user", "BALCAO_SERVER_AUTH_USER"}},
		{"user without password", []string{"BALCAO_SERVER_SECRET=" + testSecret, "BALCAO_SERVER_AUTH_USER=mosia"},
			nil, []string{"server.auth_password", "head -c 32 /dev/urandom | base64"}},
		{"short secret", []string{"BALCAO_SERVER_SECRET=strong"}, nil,
			[]string{"server.secret", "curto demais (6 caracteres; mínimo 16)", "head -c 32 /dev/urandom | base64"}},
		{"no credential beyond loopback", nil, []string{"--addr", "0.0.0.0:0"},
			[]string{"ficaria aberto a qualquer um", "BALCAO_SERVER_SECRET"}},
		{"plain HTTP beyond loopback", []string{"BALCAO_SERVER_SECRET=" + testSecret}, []string{"--addr", "0.0.0.0:0"},
			[]string{"server.tls_cert", "--behind-proxy"}},
		{"certificate without key", []string{"BALCAO_SERVER_SECRET=" + testSecret}, []string{"--tls-cert", cert},
			[]string{"--tls-cert e --tls-key"}},
		{"key others can read", []string{"BALCAO_SERVER_SECRET=" + testSecret},
			[]string{"--tls-cert", cert, "--tls-key", open}, []string{"chmod 600"}},
		{"unknown column", []string{"BALCAO_SERVER_SECRET=" + testSecret}, []string{"--config", columns},
			[]string{"server.columns", "cpf_da_mae", "nome_mae"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			environ := env(t, append([]string{"BALCAO_SANDBOX_BENEFICIARIES=50"}, tt.env...)...)
			args := append([]string{"serve", "--demo"}, tt.args...)
			if len(tt.args) > 0 && tt.args[0] == "--config" { // a global flag goes before the command
				args = append(tt.args, "serve", "--demo")
			}
			stdout, stderr, code := run(t, environ, args...)
			assert.Equal(t, 2, code, "the process refuses to start: %s", stderr)
			for _, c := range tt.contains {
				assert.Contains(t, stderr, c)
			}
			assert.NotContains(t, stdout, "buscaBeneficiarios em", "it never listened")
		})
	}
}

// startServe starts balcao serve --demo with args and environ, waits until it prints its address, and stops it
// at the end of the test. It returns what it printed so far.
func startServe(t *testing.T, environ []string, args ...string) string {
	t.Helper()
	if len(args) > 1 && args[0] == "--config" { // a global flag goes before the command
		args = append([]string{args[0], args[1], "serve", "--demo"}, args[2:]...)
	} else {
		args = append([]string{"serve", "--demo"}, args...)
	}
	cmd := exec.Command(binPath, args...)
	cmd.Env = environ
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	deadline := time.After(90 * time.Second)
	for !strings.Contains(out.String(), "buscaBeneficiarios em") {
		select {
		case <-exited:
			t.Fatalf("serve ended before listening: %s%s", out.String(), errb.String())
		case <-deadline:
			t.Fatalf("serve never listened: %s%s", out.String(), errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return out.String()
}

// post sends a busca body with the header pairs given and returns the status and body.
func post(t *testing.T, client *http.Client, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestServeOnLoopbackUsesTheLocalSecret(t *testing.T) {
	addr := freePort(t)
	environ := env(t, "BALCAO_SANDBOX_BENEFICIARIES=200")
	out := startServe(t, environ, "--addr", addr)
	m := regexp.MustCompile(`segredo local guardado em (\S+) `).FindStringSubmatch(out)
	require.NotNil(t, m, "serve says where the local secret is: %s", out)
	path := m[1]
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the local secret is the owner's only")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	secret := strings.TrimSpace(string(b))
	assert.GreaterOrEqual(t, len(secret), 40)

	url := "http://" + addr + "/buscaBeneficiarios"
	code, body := post(t, http.DefaultClient, url, `{"cpf":"158.467.727-77"}`)
	assert.Equal(t, http.StatusUnauthorized, code, "another local process without the secret gets nothing: %s", body)
	assert.NotContains(t, body, "João")
	code, body = post(t, http.DefaultClient, url, `{"cpf":"158.467.727-77"}`, "Authorization", secret)
	assert.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "João Pedro")

	resp, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	hb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.JSONEq(t, `{"status":"ok"}`, string(hb), "/healthz tells strangers nothing about the directory")

	info, _, code := run(t, environ, "info")
	require.Equal(t, 0, code)
	assert.Contains(t, info, path, "balcao info says where the local secret is")
}

func TestServeBehindProxyListensBeyondLoopback(t *testing.T) {
	port := freePort(t)[len("127.0.0.1:"):]
	out := startServe(t, env(t, "BALCAO_SANDBOX_BENEFICIARIES=200", "BALCAO_SERVER_SECRET="+testSecret),
		"--addr", "0.0.0.0:"+port, "--behind-proxy")
	assert.Contains(t, out, "http://")
	code, body := post(t, http.DefaultClient, "http://127.0.0.1:"+port+"/buscaBeneficiarios", `{"cpf":"158.467.727-77"}`,
		"Authorization", testSecret)
	assert.Equal(t, http.StatusOK, code, body)
}

func TestServeTLSRefusesPlainHTTPAndReloadsTheCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "live", 1)
	addr := freePort(t)
	port := addr[len("127.0.0.1:"):]
	out := startServe(t, env(t, "BALCAO_SANDBOX_BENEFICIARIES=200", "BALCAO_SERVER_SECRET="+testSecret),
		"--addr", "0.0.0.0:"+port, "--tls-cert", cert, "--tls-key", key)
	assert.Contains(t, out, "https://")
	assert.Contains(t, out, "TLS ligado")

	// curl with the CA, as an operator checks it.
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("BALCAO_E2E_REQUIRED") == "1" {
			t.Fatal("cmd/balcao: curl not installed (apt-get install curl) and BALCAO_E2E_REQUIRED=1")
		}
		t.Log("cmd/balcao: curl not installed (apt-get install curl): checking with Go's client only")
	} else {
		ca := filepath.Join(dir, "ca.pem")
		require.NoError(t, os.WriteFile(ca, testCA.PEM, 0o600))
		c := exec.Command("curl", "-sS", "--cacert", ca, "-H", "Authorization: "+testSecret,
			"-H", "Content-Type: application/json", "-d", `{"cpf":"158.467.727-77"}`,
			"https://localhost:"+port+"/buscaBeneficiarios")
		got, err := c.CombinedOutput()
		require.NoError(t, err, "curl --cacert: %s", got)
		assert.Contains(t, string(got), "João Pedro")
	}

	// Plain HTTP on the TLS port is refused, and shows nobody.
	code, body := post(t, http.DefaultClient, "http://127.0.0.1:"+port+"/buscaBeneficiarios", `{"cpf":"158.467.727-77"}`,
		"Authorization", testSecret)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.NotContains(t, body, "João")

	// TLS 1.1 is refused.
	_, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{MaxVersion: tls.VersionTLS11, InsecureSkipVerify: true})
	assert.Error(t, err, "TLS below 1.2 is refused")

	assert.Equal(t, int64(1), servedSerial(port))
	// Rotation: the files are replaced (as certbot does) and the new certificate is served without a restart.
	newCert, newKey := writeCert(t, filepath.Join(dir, "next"), "next", 2)
	require.NoError(t, os.Rename(newKey, key))
	require.NoError(t, os.Rename(newCert, cert))
	require.Eventually(t, func() bool { return servedSerial(port) == 2 }, 10*time.Second, 100*time.Millisecond,
		"the rotated certificate is served without a restart")
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: testCA.Pool()}}}
	code, body = post(t, client, "https://localhost:"+port+"/buscaBeneficiarios", `{"cpf":"158.467.727-77"}`,
		"Authorization", testSecret)
	assert.Equal(t, http.StatusOK, code, body)
}

// servedSerial is the serial number of the certificate the server on port presents, checked against the CA.
func servedSerial(port string) int64 {
	c, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{RootCAs: testCA.Pool(), ServerName: "localhost"})
	if err != nil {
		return -1
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

// testCA is the certificate authority the tests' server certificates chain to.
var testCA = func() *testcert.CA {
	ca, err := testcert.NewCA()
	if err != nil {
		panic(err)
	}
	return ca
}()

// writeCert writes a certificate for localhost and 127.0.0.1 with serial as dir/name.pem and dir/name.key.
func writeCert(t *testing.T, dir, name string, serial int64) (certPath, keyPath string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o700))
	certPath, keyPath = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	require.NoError(t, testCA.Issue(certPath, keyPath, serial))
	return certPath, keyPath
}

func TestTwoLetterHarvestOfTheDemoDirectory(t *testing.T) {
	addr := freePort(t)
	cfg := filepath.Join(t.TempDir(), "config.toml") // a budget the harvest never meets: the refusal alone must hold
	require.NoError(t, os.WriteFile(cfg, []byte("[server]\nrate = 100000\nburst = 100000\n"), 0o600))
	environ := env(t, "BALCAO_SERVER_SECRET="+testSecret) // the demo's 20,000 people
	startServe(t, environ, "--config", cfg, "--addr", addr)
	url := "http://" + addr
	req, _ := http.NewRequest(http.MethodGet, url+"/healthz", nil)
	req.Header.Set("Authorization", testSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var health struct{ Beneficiarios int }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&health))
	resp.Body.Close()
	require.Equal(t, 20000, health.Beneficiarios)

	seen := map[string]bool{}
	refused := 0
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			for _, key := range []string{"nome", "busca"} {
				code, body := post(t, http.DefaultClient, url+"/buscaBeneficiarios",
					`{"`+key+`":"`+string([]rune{a, b})+`"}`, "Authorization", testSecret)
				require.Equal(t, http.StatusOK, code, body)
				var ok struct {
					Beneficiarios []map[string]string `json:"beneficiarios"`
					Status        string              `json:"status"`
				}
				require.NoError(t, json.Unmarshal([]byte(body), &ok))
				if ok.Status == "false" {
					refused++
				}
				for _, row := range ok.Beneficiarios {
					seen[row["chaveUnica"]] = true
				}
			}
		}
	}
	share := float64(len(seen)) / float64(health.Beneficiarios)
	t.Logf("2-letter harvest: %d requests, %d refused with guidance, %d people (%.2f%%)",
		2*26*26, refused, len(seen), 100*share)
	assert.Less(t, share, 0.05, "a 2-letter-prefix harvest returns under 5%% of the directory")
	code, body := post(t, http.DefaultClient, url+"/buscaBeneficiarios", `{"nome":"ab","dataNascimento":"05/08/1994"}`,
		"Authorization", testSecret)
	assert.Equal(t, http.StatusOK, code, "a short name beside another criterion is still a search: %s", body)
}
