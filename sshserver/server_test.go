package sshserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

const (
	hernandesCPF  = "235.764.830-98"
	hernandesCard = "0001.1008.000027.01-0"
)

func TestNewAccess(t *testing.T) {
	_, line := goKey(t)
	good := writeAuthorized(t, []byte("# comment\n\n"), line)
	bad := writeAuthorized(t, []byte("ssh-ed25519 not-base64 x\n"))
	empty := writeAuthorized(t, []byte("# nobody yet\n"))
	_, bare := goKeyAs(t, "x")
	noAttendant := writeAuthorized(t, bare[len(`attendant="x" `):])
	svc := &common.Services{}
	tests := []struct {
		name     string
		o        Options
		wantErr  string // substring of the pt-BR message; "" = no error
		wantOpen bool
	}{
		{"no keys, not demo", Options{Addr: "127.0.0.1:0"}, "nenhuma chave autorizada", false},
		{"no keys, demo on every interface", Options{Addr: "0.0.0.0:2222", Demo: true}, "só é permitido em 127.0.0.1", false},
		{"no keys, demo on empty host", Options{Addr: ":2222", Demo: true}, "só é permitido em 127.0.0.1", false},
		{"no keys, demo on loopback", Options{Addr: "127.0.0.1:0", Demo: true}, "", true},
		{"no keys, demo on localhost", Options{Addr: "localhost:2222", Demo: true}, "", true},
		{"no keys, demo on ipv6 loopback", Options{Addr: "[::1]:2222", Demo: true}, "", true},
		{"keys", Options{Addr: "0.0.0.0:2222", AuthorizedKeysPath: good}, "", false},
		{"keys and demo: keys win", Options{Addr: "127.0.0.1:0", AuthorizedKeysPath: good, Demo: true}, "", false},
		{"only an invalid line", Options{AuthorizedKeysPath: bad}, "não tem nenhuma chave utilizável", false},
		{"only a key without attendant", Options{AuthorizedKeysPath: noAttendant}, "não tem nenhuma chave utilizável", false},
		{"no key in file", Options{AuthorizedKeysPath: empty}, "não tem nenhuma chave", false},
		{"missing file", Options{AuthorizedKeysPath: filepath.Join(t.TempDir(), "nope")}, "não foi possível ler", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.HostKeyPath = filepath.Join(t.TempDir(), "host")
			s, err := New(svc, nil, tt.o)
			if tt.wantErr != "" {
				require.Error(t, err)
				var ae *AccessError
				require.True(t, errors.As(err, &ae), "typed error, got %T", err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantOpen, s.Open())
			assert.Equal(t, tt.wantOpen, s.svc.Demo, "open access is shown as DEMONSTRAÇÃO")
		})
	}
}

func TestHostKeyGeneratedOnceAndReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "ssh_host_ed25519")
	_, line := goKey(t)
	keys := writeAuthorized(t, line)
	var prints []string
	for range 3 {
		s, err := New(&common.Services{}, nil, Options{HostKeyPath: path, AuthorizedKeysPath: keys})
		require.NoError(t, err)
		prints = append(prints, s.Fingerprint())
		assert.Equal(t, "ssh-ed25519", s.signer.PublicKey().Type())
	}
	assert.Equal(t, prints[0], prints[1])
	assert.Equal(t, prints[0], prints[2])
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
	left, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".ssh_host_key-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temp file left behind")

	other := filepath.Join(t.TempDir(), "other")
	s, err := New(&common.Services{}, nil, Options{HostKeyPath: other, AuthorizedKeysPath: keys})
	require.NoError(t, err)
	assert.NotEqual(t, prints[0], s.Fingerprint(), "a new path gets a new key")

	require.NoError(t, os.WriteFile(other, []byte("not a key"), 0o600))
	_, err = New(&common.Services{}, nil, Options{HostKeyPath: other, AuthorizedKeysPath: keys})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "chave do host SSH")
}

// TestSearchAndOpen: a session searches the seed beneficiary, opens them, and the contract comes from TOTVS.
func TestSearchAndOpen(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	openHernandes(c)
	assert.NotContains(t, c.text(), "acesso aberto", "keys: not open")
	c.send("q")
	require.NoError(t, c.wait(), "q ends the session with status 0")
}

// TestKeysTypedBeforeTheConsoleIsUp: keys typed at once reach the console, whether or not the terminal answers
// the renderer's colour query (one that never answers must not swallow them).
func TestKeysTypedBeforeTheConsoleIsUp(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	for _, answer := range []bool{false, true} {
		t.Run("answers "+strconv.FormatBool(answer), func(t *testing.T) {
			c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth, answer: answer})
			c.send("hernandes alves da silva")
			c.waitFor(hernandesCPF)
		})
	}
}

// openHernandes searches the seed beneficiary and opens the Beneficiário screen.
func openHernandes(c *goClient) {
	c.t.Helper()
	c.waitFor("Buscar")
	c.send("hernandes alves da silva")
	c.waitFor(hernandesCPF)
	c.send("\r")
	c.waitFor("[1 Resumo]")
	c.waitFor("Carteirinha " + hernandesCard)
	c.waitFor("EMPRESARIAL 200") // the plan, from the sandbox's TOTVS
}

func TestOpenAccessDemo(t *testing.T) {
	f := getFixture(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{Demo: true})
	require.True(t, srv.Open())
	tests := []struct {
		name string
		auth gossh.AuthMethod
	}{
		{"any key", func() gossh.AuthMethod { a, _ := goKey(t); return a }()},
		{"password", gossh.Password("qualquer")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialGo(t, srv.Addr().String(), goClientOptions{user: "visitante", auth: tt.auth})
			c.waitFor(i18n.SSHOpenBanner)
			c.waitFor(i18n.SSHOpenNotice)
			c.waitFor(i18n.UIStatusDemo)
			c.send("\x03") // Ctrl+C
			require.NoError(t, c.wait())
		})
	}
}

func TestUnknownKeyRefused(t *testing.T) {
	f := getFixture(t)
	_, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	other, _ := goKey(t)
	for _, auth := range []gossh.AuthMethod{other, gossh.Password("x")} {
		_, err := gossh.Dial("tcp", srv.Addr().String(), &gossh.ClientConfig{User: "atendente1",
			Auth: []gossh.AuthMethod{auth}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLong})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "unable to authenticate")
	}
	assert.Contains(t, srv.logs.String(), "ssh sign-in refused")
}

// TestAuthorizedKeysReloaded: an attendant added to the file gets in without a restart.
func TestAuthorizedKeysReloaded(t *testing.T) {
	f := getFixture(t)
	_, first := goKey(t)
	path := writeAuthorized(t, first)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: path})
	auth, second := goKeyAs(t, "atendente2")
	require.NoError(t, os.WriteFile(path, append(append([]byte{}, first...), second...), 0o600))
	require.NoError(t, os.Chtimes(path, time.Now().Add(time.Minute), time.Now().Add(time.Minute)))
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente2", auth: auth})
	c.waitFor("Buscar")
}

func TestNoPTY(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth, noPTY: true})
	err := c.wait()
	var exit *gossh.ExitError
	require.True(t, errors.As(err, &exit), "exit status, got %v", err)
	assert.Equal(t, 1, exit.ExitStatus())
	assert.Contains(t, c.text(), "balcão precisa de um terminal interativo")
	assert.Contains(t, c.text(), "ssh -t -p "+srv.port())
}

func TestSessionLimit(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	auth2, line2 := goKeyAs(t, "atendente2")
	auth3, line3 := goKeyAs(t, "atendente3")
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line, line2, line3),
		MaxSessions: 1})
	first := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	first.waitFor("Buscar")
	second := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente2", auth: auth2})
	err := second.wait()
	var exit *gossh.ExitError
	require.True(t, errors.As(err, &exit), "exit status, got %v", err)
	assert.Equal(t, 1, exit.ExitStatus())
	assert.Contains(t, second.text(), "já tem 1 atendentes conectados")
	assert.Equal(t, 1, srv.Sessions())

	first.send("\x03")
	require.NoError(t, first.wait())
	third := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente3", auth: auth3})
	third.waitFor("Buscar") // the slot is free again
}

func TestIdleTimeout(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line),
		IdleTimeout: 2 * time.Second})
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	c.waitFor("Buscar")
	require.NoError(t, c.wait())
	assert.Contains(t, c.text(), "encerrada por inatividade (2s sem uso)")
	srv.waitLog(t, "reason=idle") // logged once the session's handler has returned
}

// TestWindowResize: the console follows the client's window changes.
func TestWindowResize(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	c.waitFor("Buscar")
	require.NotContains(t, c.text(), i18n.UITooSmallTitle)
	require.NoError(t, c.sess.WindowChange(12, 40))
	c.waitFor(i18n.UITooSmallTitle)
	mark := len(c.text())
	require.NoError(t, c.sess.WindowChange(30, 100))
	deadline := time.Now().Add(waitLong)
	for !strings.Contains(c.text()[mark:], "Buscar") {
		require.True(t, time.Now().Before(deadline), "console not redrawn after growing back")
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNoColor: the client's NO_COLOR turns colours off for that session only.
func TestNoColor(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	tests := []struct {
		name   string
		env    map[string]string
		colour bool
	}{
		{"colour", nil, true},
		{"NO_COLOR", map[string]string{"NO_COLOR": "1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth, env: tt.env})
			c.waitFor("nenhuma pendência")
			raw := c.out.String()
			hasColour := strings.Contains(raw, "\x1b[38;") || strings.Contains(raw, "\x1b[48;")
			assert.Equal(t, tt.colour, hasColour)
		})
	}
}

// TestGracefulShutdown: a connected attendant sees the goodbye while a submission in flight finishes; the server
// ends only after it.
func TestGracefulShutdown(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	ob := &fakeOutbox{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	srv := startServer(t, f.services(ob), Options{AuthorizedKeysPath: writeAuthorized(t, line),
		ShutdownGrace: 2 * waitLong})
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	c.waitFor("Buscar")

	submitted := make(chan error, 1)
	go func() { // a submission on its way, through the server's own services
		_, err := srv.svc.Outbox.Submit(context.Background(), "atendente1", model.Occurrence{})
		submitted <- err
	}()
	<-ob.entered
	srv.cancel()
	c.waitFor(i18n.SSHGoodbyeNotice) // the notice, while the console still runs
	select {
	case <-srv.ended:
		t.Fatalf("server ended with a submission in flight: %v", srv.err)
	default:
	}
	assert.Equal(t, 0, ob.done())
	close(ob.gate)
	require.NoError(t, <-submitted)
	require.NoError(t, srv.stop(t))
	require.NoError(t, c.wait())
	assert.Equal(t, 1, ob.done())
	assert.Equal(t, 0, srv.flights.count())
	assert.Contains(t, c.text(), i18n.SSHGoodbye, "farewell after the console ended")
	assert.Contains(t, srv.logs.String(), "reason=shutdown")

	_, err := gossh.Dial("tcp", srv.Addr().String(), &gossh.ClientConfig{User: "atendente1",
		Auth: []gossh.AuthMethod{auth}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	require.Error(t, err, "no new sessions after shutdown")
}

// TestConcurrentSessions: 20 attendants at once each search a different beneficiary by CPF and open them; the
// server's memory growth per session is logged.
func TestConcurrentSessions(t *testing.T) {
	const n = 20
	f := getFixture(t)
	auths, lines := make([]gossh.AuthMethod, n), make([][]byte, n)
	for i := range n {
		auths[i], lines[i] = goKeyAs(t, "atendente"+strconv.Itoa(i))
	}
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, lines...),
		MaxStartups: [3]int{n, 30, 100}}) // all n sign in at the same instant: none is a flood
	ds := sandbox.NewDataset(fixtureSeed, fixtureSize)
	var people []model.Beneficiary
	for i := 100; len(people) < n; i++ {
		if b := ds.Beneficiary(i); model.ValidCPF(b.CPF) {
			people = append(people, b)
		}
	}
	runtime.GC()
	before := vmRSS(t)
	clients := make([]*goClient, n)
	var wg sync.WaitGroup
	for i, b := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente" + strconv.Itoa(i), auth: auths[i],
				answer: true})
			clients[i] = c
			c.waitFor("Buscar")
			c.send(b.CPF)
			c.waitFor(model.FormatCard(b.Card))
			c.send("\r")
			c.waitFor("[1 Resumo]")
			c.waitFor("Carteirinha " + model.FormatCard(b.Card))
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	assert.Equal(t, n, srv.Sessions())
	runtime.GC()
	after := vmRSS(t)
	t.Logf("server RSS: %d kB before, %d kB with %d sessions open: %.0f kB per session (race detector on: %v)",
		before, after, n, float64(after-before)/n, raceEnabled)
	for _, c := range clients {
		c.send("\x03")
	}
	for _, c := range clients {
		require.NoError(t, c.wait())
	}
}

// vmRSS is this process's resident set size in kB (the server runs in the test process).
func vmRSS(t *testing.T) int64 { return vmRSSTB(t) }

func vmRSSTB(t testing.TB) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(t, err)
			return v
		}
	}
	t.Skip("no VmRSS")
	return 0
}

// TestHubBroadcast: events broadcast through the hub reach every open console; ended consoles leave the hub.
func TestHubBroadcast(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	auth2, line2 := goKeyAs(t, "atendente2")
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line, line2)})
	a := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	b := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente2", auth: auth2})
	a.waitFor("Buscar")
	b.waitFor("Buscar")
	require.Equal(t, 2, srv.hub.Len())
	srv.hub.Broadcast(common.NoticeMsg{Text: "Aviso para todos os balcões"})
	a.waitFor("Aviso para todos os balcões")
	b.waitFor("Aviso para todos os balcões")
	a.send("\x03")
	b.send("\x03")
	require.NoError(t, a.wait())
	require.NoError(t, b.wait())
	assert.Equal(t, 0, srv.hub.Len())
}

// TestSessionsShareOneConnection: a multiplexed connection (OpenSSH ControlMaster) carries independent consoles.
func TestSessionsShareOneConnection(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	srv := startServer(t, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	o := goClientOptions{user: "atendente1", auth: auth, answer: true}
	a := dialGo(t, srv.Addr().String(), o)
	b := shellOn(t, a.conn, o)
	a.send("hernandes alves da silva")
	b.send("joao pedro")
	a.waitFor(hernandesCPF)
	b.waitFor("João Pedro")
	assert.NotContains(t, b.text(), hernandesCPF)
	assert.Equal(t, 2, srv.Sessions())
	a.send("\x03")
	require.NoError(t, a.wait())
	b.send(strings.Repeat("\x7f", len("joao pedro")) + "hernandes alves da silva") // the other console carries on
	b.waitFor(hernandesCPF)
}

// panickyDirectory is a directory with a bug: every search panics.
type panickyDirectory struct{ common.Directory }

func (panickyDirectory) Search(context.Context, model.Query, int) ([]model.Match, error) {
	panic("bug in the directory")
}

// TestPanicEndsOnlyThatSession: a console that panics ends its own session; the server keeps serving.
func TestPanicEndsOnlyThatSession(t *testing.T) {
	f := getFixture(t)
	auth, line := goKey(t)
	svc := f.services(&fakeOutbox{})
	svc.Directory = panickyDirectory{f.dir}
	srv := startServer(t, svc, Options{AuthorizedKeysPath: writeAuthorized(t, line)})
	c := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	c.waitFor("Buscar")
	c.send("hernandes")
	_ = c.wait() // the session ends (its status is the console's business)
	again := dialGo(t, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth})
	again.waitFor("Buscar")
	assert.Equal(t, 1, srv.Sessions())
}

// BenchmarkSessionOpen measures a new attendant's session: connect, authenticate, console on screen (a client
// that answers the terminal queries, like a real terminal), and the server's memory per open session.
func BenchmarkSessionOpen(b *testing.B) {
	f := getFixture(b)
	auth, line := goKey(b)
	srv := startServer(b, f.services(&fakeOutbox{}), Options{AuthorizedKeysPath: writeAuthorized(b, line),
		MaxSessions: 10000})
	runtime.GC()
	before := vmRSSTB(b)
	b.ResetTimer()
	clients := make([]*goClient, 0, b.N)
	for i := 0; i < b.N; i++ {
		c := dialGo(b, srv.Addr().String(), goClientOptions{user: "atendente1", auth: auth, answer: true})
		c.waitFor("nenhuma pendência")
		clients = append(clients, c)
	}
	b.StopTimer()
	runtime.GC()
	b.ReportMetric(float64(vmRSSTB(b)-before)/float64(b.N), "kB-RSS/session")
	for _, c := range clients {
		c.close()
	}
}
