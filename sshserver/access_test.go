package sshserver

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/ui/common"
)

// sshExit runs the OpenSSH client once (no terminal) and returns its output and exit code.
func sshExit(t *testing.T, home string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("ssh", args...)
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	require.NoError(t, err)
	return string(out), 0
}

// signsIn reports whether the Go client signs in as user with auth (the session is closed right away).
func signsIn(t *testing.T, addr, user string, auth gossh.AuthMethod) bool {
	t.Helper()
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{auth},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLong})
	if err != nil {
		require.Contains(t, err.Error(), "unable to authenticate", "refused for the right reason")
		return false
	}
	_ = conn.Close()
	return true
}

// The key names the attendant: alice's key cannot sign in as maria, and what alice sends is alice's.
func TestOpenSSHKeyNamesTheAttendant(t *testing.T) {
	requireOpenSSH(t)
	f := getFixture(t)
	home := t.TempDir()
	alice := keygen(t, home, "alice")
	maria := keygen(t, home, "maria")
	ob := &fakeOutbox{}
	srv := startServer(t, f.services(ob), Options{AuthorizedKeysPath: authorizedKeysFile(t, alice, maria)})

	out, code := sshExit(t, home, sshArgs(srv.port(), alice, "maria", "-T")...)
	assert.NotZero(t, code)
	assert.Contains(t, out, "Permission denied", "alice's key does not sign in as maria")
	assert.Contains(t, srv.logs.String(), "key belongs to attendant alice")

	out, code = sshExit(t, home, sshArgs(srv.port(), alice, "ali\x1b[31mce\x07", "-T")...)
	assert.NotZero(t, code, out)
	logs := srv.logs.String()
	assert.NotContains(t, logs, "\x1b[31m", "a refused username is made printable in the log")
	assert.Contains(t, logs, `user=ali?[31mce?`)

	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "alice", auth: goKeyFile(t, alice)})
	openHernandes(c)
	c.send("n")
	c.waitFor("Nova ocorrência")
	c.send("\x13") // Ctrl+S
	c.waitFor("registrada no Mosia")
	ob.mu.Lock()
	assert.Equal(t, []string{"alice"}, ob.attendants, "the occurrence is the key's attendant's")
	ob.mu.Unlock()
	c.send("\x03") // Ctrl+C
	require.NoError(t, c.wait())
	srv.waitLog(t, "ssh session end")
	assert.Regexp(t, `msg="ssh session start" component=ssh attendant=alice key=SHA256:\S+ remote=127.0.0.1`, srv.logs.String(),
		"each session line names the key's fingerprint")
}

// goKeyFile reads a private key written by ssh-keygen as a Go client's auth method.
func goKeyFile(t *testing.T, path string) gossh.AuthMethod {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	signer, err := gossh.ParsePrivateKey(b)
	require.NoError(t, err)
	return gossh.PublicKeys(signer)
}

// Revocation fails closed: a removed key is out at once, even when the file also has a broken line; a deleted
// file lets nobody in; from= and expiry-time are honoured; a key with an option balcão does not implement is not
// loaded.
func TestRevocationFailsClosed(t *testing.T) {
	f := getFixture(t)
	anaAuth, ana := goKeyAs(t, "ana")
	beaAuth, bea := goKeyAs(t, "bea")
	path := writeAuthorized(t, ana, bea)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: path})
	addr := srv.Addr().String()
	require.True(t, signsIn(t, addr, "ana", anaAuth))
	require.True(t, signsIn(t, addr, "bea", beaAuth))

	rewrite := func(lines ...[]byte) {
		require.NoError(t, os.WriteFile(path, []byte(strings.Join(bytesToStrings(lines), "")), 0o600))
	}
	rewrite(bea, []byte("isto não é uma chave\n"))
	assert.False(t, signsIn(t, addr, "ana", anaAuth), "removed: refused at once, no restart")
	assert.True(t, signsIn(t, addr, "bea", beaAuth), "a broken line does not take the others down")
	assert.Contains(t, srv.logs.String(), "linha 2 de "+path+" ignorada")

	require.NoError(t, os.Remove(path))
	assert.False(t, signsIn(t, addr, "bea", beaAuth), "no file: nobody, never the last good keys")
	assert.Contains(t, srv.logs.String(), "no key is accepted until the file is back")

	carlaAuth, fromOther := goKeyAs(t, "carla", `from="10.9.8.7,192.168.*"`)
	daniAuth, fromHere := goKeyAs(t, "dani", `from="!10.0.0.1,127.0.0.0/8"`)
	expiredAuth, expired := goKeyAs(t, "edu", `expiry-time="20200101"`)
	futureAuth, future := goKeyAs(t, "fabi", `expiry-time="29991231Z"`)
	restrictAuth, restricted := goKeyAs(t, "gil", `command="/bin/sh"`)
	rewrite(fromOther, fromHere, expired, future, restricted)
	assert.False(t, signsIn(t, addr, "carla", carlaAuth), "from= admits only other addresses")
	assert.True(t, signsIn(t, addr, "dani", daniAuth), "from= admits 127.0.0.0/8")
	assert.False(t, signsIn(t, addr, "edu", expiredAuth), "past its expiry-time")
	assert.True(t, signsIn(t, addr, "fabi", futureAuth))
	assert.False(t, signsIn(t, addr, "gil", restrictAuth), "an option balcão does not implement is refused, not ignored")
	assert.Contains(t, srv.logs.String(), `a opção \"command\" não é suportada`)
	assert.Contains(t, srv.logs.String(), "a chave expirou em 01/01/2020")
}

func bytesToStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

func TestFromPatterns(t *testing.T) {
	addr := func(s string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(s), Port: 1} }
	for _, tc := range []struct {
		from []string
		ip   string
		ok   bool
	}{
		{nil, "203.0.113.9", true},
		{[]string{"127.0.0.1"}, "127.0.0.1", true},
		{[]string{"127.0.0.1"}, "127.0.0.2", false},
		{[]string{"10.0.0.0/8"}, "10.20.30.40", true},
		{[]string{"192.168.1.*"}, "192.168.1.77", true},
		{[]string{"192.168.1.?"}, "192.168.1.77", false},
		{[]string{"*", "!10.0.0.1"}, "10.0.0.1", false},
		{[]string{"*", "!10.0.0.1"}, "10.0.0.2", true},
		{[]string{"*.example.com"}, "10.0.0.2", false}, // host names are never looked up: fails closed
		{[]string{"::1"}, "::1", true},
	} {
		assert.Equal(t, tc.ok, keyEntry{from: tc.from}.fromAllows(addr(tc.ip)), "%v from %s", tc.from, tc.ip)
	}
}

// Connections that never authenticate are closed after the login grace time, and no more than MaxStartups' full
// count wait at once; a real attendant still gets in after the flood.
func TestPreAuthenticationLimits(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line),
		LoginGrace: 500 * time.Millisecond, MaxStartups: [3]int{5, 30, 20}})
	var conns []net.Conn
	for range 200 { // each only sends a banner and waits
		c, err := net.Dial("tcp", srv.Addr().String())
		require.NoError(t, err)
		_, _ = c.Write([]byte("SSH-2.0-flood\r\n"))
		conns = append(conns, c)
	}
	assert.LessOrEqual(t, srv.startups.open.Load(), int64(20), "never more than full unauthenticated at once")
	assert.Positive(t, srv.refusedStartups.Load())
	closed := 0
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, c := range conns {
		wg.Go(func() {
			_ = c.SetReadDeadline(time.Now().Add(waitLong))
			buf := make([]byte, 4096)
			for {
				if _, err := c.Read(buf); err != nil {
					mu.Lock()
					closed++
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, len(conns), closed, "every unauthenticated connection is closed by the server")
	assert.Positive(t, srv.graceExpired.Load())
	assert.Zero(t, srv.startups.open.Load())
	assert.True(t, signsIn(t, srv.Addr().String(), "atendente1", auth))
}

func TestSessionsPerAttendant(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line),
		SessionsPerAttendant: 2})
	a := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	b := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	a.waitFor("Buscar")
	b.waitFor("Buscar")
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	err := c.wait()
	var exit *gossh.ExitError
	require.True(t, errors.As(err, &exit), "exit status, got %v", err)
	assert.Contains(t, c.text(), "já tem 2 sessões abertas")
	a.send("\x03")
	require.NoError(t, a.wait())
	d := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	d.waitFor("Buscar")
}

func TestHostKeyReadableByOthersRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host")
	_, line := goKey(t)
	keys := writeAuthorized(t, line)
	_, err := New(&common.Services{}, nil, Options{HostKeyPath: path, AuthorizedKeysPath: keys})
	require.NoError(t, err)
	require.NoError(t, os.Chmod(path, 0o644))
	_, err = New(&common.Services{}, nil, Options{HostKeyPath: path, AuthorizedKeysPath: keys})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "chmod 600")
}
