package sshserver

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/termtest"
)

// TestOpenSSHSearchAndOpen: the real OpenSSH client in a real terminal (tmux) logs in with an authorized key,
// searches the seed beneficiary, opens them, follows a resize, and sees the goodbye when the server shuts down.
func TestOpenSSHSearchAndOpen(t *testing.T) {
	requireOpenSSH(t)
	termtest.Require(t)
	f := getFixture(t)
	home := t.TempDir()
	key := keygen(t, home, "atendente1")
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: authorizedKeysFile(t, key),
		Attendants: map[string]int{"atendente1": 42}})

	term := termtest.Start(t, termtest.Options{Width: 110, Height: 32, Env: []string{"HOME=" + home}},
		"ssh", sshArgs(srv.port(), key, "atendente1", "-tt")...)
	term.WaitFor("Buscar", waitLong)
	term.Type("hernandes alves da silva")
	term.WaitFor(hernandesCPF, waitLong)
	term.SendKeys("Enter")
	term.WaitFor("Carteirinha "+hernandesCard, waitLong)
	screen := term.WaitFor("[1 Resumo]", waitLong)
	assert.Contains(t, screen, "Contrato")
	assert.Contains(t, screen, "HERNANDES ALVES DA SILVA")
	assert.Contains(t, screen, "CPF "+hernandesCPF)
	assert.Contains(t, srv.logs.String(), "id_atendente=42")
	assert.NotContains(t, srv.logs.String(), "23576483098", "no full CPF in the logs")

	term.Resize(50, 14)
	term.WaitFor(i18n.UITooSmallTitle, waitLong)
	term.Resize(110, 32)
	term.WaitFor("Carteirinha "+hernandesCard, waitLong)

	require.NoError(t, srv.stop(t))
	term.WaitFor("O servidor balcão está sendo desligado", waitLong)
	term.WaitFor("[programa terminou: status 0]", waitLong)
}

// TestOpenSSHBurstKeys: keys typed together arrive over SSH in one read; each acts on its own, in order, on the
// screen the one before opened ("32": Família then Contrato; "7n": Protocolos then the form; "jjj" moves).
func TestOpenSSHBurstKeys(t *testing.T) {
	requireOpenSSH(t)
	termtest.Require(t)
	f := getFixture(t)
	home := t.TempDir()
	key := keygen(t, home, "atendente1")
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: authorizedKeysFile(t, key)})
	term := termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: []string{"HOME=" + home}},
		"ssh", sshArgs(srv.port(), key, "atendente1", "-tt")...)
	term.WaitFor("Buscar", waitLong)
	term.Type("hernandes alves da silva")
	term.WaitFor(hernandesCPF, waitLong)
	term.SendKeys("Enter")
	term.WaitFor("[1 Resumo]", waitLong)
	term.Type("32")
	term.WaitFor("[2 Contrato]", waitLong)
	term.Type("7n")
	term.WaitFor("Nova ocorrência", waitLong)
	term.SendKeys("Escape")
	term.WaitFor("[7 Protocolos]", waitLong)
	term.Type("3jg")
	screen := term.WaitFor("[3 Família]", waitLong)
	assert.Contains(t, screen, "▸", "a member is selected")
	require.NoError(t, srv.stop(t))
}

// TestOpenSSHUnknownKeyRefused: a key that is not in authorized_keys gets "Permission denied".
func TestOpenSSHUnknownKeyRefused(t *testing.T) {
	requireOpenSSH(t)
	f := getFixture(t)
	home := t.TempDir()
	known := keygen(t, home, "atendente1")
	stranger := keygen(t, home, "estranho")
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: authorizedKeysFile(t, known)})
	cmd := exec.Command("ssh", sshArgs(srv.port(), stranger, "atendente1", "-T")...)
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "ssh must fail: %v %s", err, out)
	assert.NotZero(t, exit.ExitCode())
	assert.Contains(t, string(out), "Permission denied")
}

// TestOpenSSHNoPTY: a session without a terminal gets the pt-BR message and status 1.
func TestOpenSSHNoPTY(t *testing.T) {
	requireOpenSSH(t)
	f := getFixture(t)
	home := t.TempDir()
	key := keygen(t, home, "atendente1")
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: authorizedKeysFile(t, key)})
	cmd := exec.Command("ssh", sshArgs(srv.port(), key, "atendente1", "-T")...)
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "ssh must fail: %v %s", err, out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, string(out), "balcão precisa de um terminal interativo. Conecte com: ssh -t -p "+srv.port())
}

// TestOpenSSHHostKeyReused: the host key is generated once and a restarted server presents the same key, so a
// client that trusted it connects with strict host key checking.
func TestOpenSSHHostKeyReused(t *testing.T) {
	requireOpenSSH(t)
	f := getFixture(t)
	home := t.TempDir()
	key := keygen(t, home, "atendente1")
	hostKey := filepath.Join(t.TempDir(), "ssh_host_ed25519")
	knownHosts := filepath.Join(home, "known_hosts")
	opts := Options{AuthorizedKeysPath: authorizedKeysFile(t, key), HostKeyPath: hostKey}

	first := startServer(t, f.services(&fakeOutbox{}), opts)
	out, err := exec.Command("ssh-keygen", "-lf", hostKey).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), first.Fingerprint())
	assert.Contains(t, string(out), "(ED25519)")

	connect := func(port, checking string) string {
		args := []string{"-F", "/dev/null", "-p", port, "-i", key, "-o", "StrictHostKeyChecking=" + checking,
			"-o", "UserKnownHostsFile=" + knownHosts, "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-T",
			"atendente1@127.0.0.1"}
		cmd := exec.Command("ssh", args...)
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
		out, _ := cmd.CombinedOutput() // no PTY: status 1 by design, after the host key was checked
		return string(out)
	}
	out1 := connect(first.port(), "accept-new")
	require.Contains(t, out1, "terminal interativo", "reached the server")
	port := first.port()
	require.NoError(t, first.stop(t))

	opts.Addr = "127.0.0.1:" + port
	s, logs := newServer(t, f.services(&fakeOutbox{}), opts)
	for i := 0; ; i++ { // the port was just released; on a busy machine binding it again may need a moment
		err := s.listen()
		if err == nil {
			break
		}
		require.Less(t, i, 100, "port %s not free again: %v", port, err)
		time.Sleep(100 * time.Millisecond)
	}
	second := serve(t, s, logs)
	assert.Equal(t, first.Fingerprint(), second.Fingerprint())
	out2 := connect(port, "yes")
	assert.Contains(t, out2, "terminal interativo", "strict checking passed: same host key")
	assert.False(t, strings.Contains(out2, "IDENTIFICATION HAS CHANGED"), out2)
}
