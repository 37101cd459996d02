package sshserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui"
	"github.com/balcao/balcao/ui/common"
)

const (
	fixtureSeed = 1
	fixtureSize = 2000
	// waitLong bounds every wait for the screen: a failure guard for a noisy machine, not a speed target.
	waitLong = 30 * time.Second
)

// fixture is the real parts every test shares: the sandbox (TOTVS + Mosia) on loopback, the demo directory built
// from its dataset in SQLite, and the clients.
type fixture struct {
	sb    *sandbox.Sandbox
	dir   *directory.Directory
	totvs *totvs.Client
	mosia *mosia.Client
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixTmp  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		_ = fix.dir.Close()
		_ = fix.totvs.Close()
		_ = fix.mosia.Close()
		_ = fix.sb.Close()
	}
	if fixTmp != "" {
		_ = os.RemoveAll(fixTmp)
	}
	os.Exit(code)
}

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		fixTmp, fixErr = os.MkdirTemp("", "sshserver-fixture-")
		if fixErr != nil {
			return
		}
		sb := sandbox.New(sandbox.Options{Seed: fixtureSeed, Beneficiaries: fixtureSize})
		if fixErr = sb.Start("127.0.0.1:0"); fixErr != nil {
			return
		}
		path, err := demo.Directory(context.Background(), fixTmp, fixtureSeed, fixtureSize)
		if err != nil {
			fixErr = err
			_ = sb.Close()
			return
		}
		dir, err := directory.Open(context.Background(), path, directory.Options{})
		if err != nil {
			fixErr = err
			_ = sb.Close()
			return
		}
		o := sb.Options()
		fix = &fixture{
			sb:  sb,
			dir: dir,
			totvs: totvs.New(totvs.Options{BaseURL: sb.TOTVSURL(), User: o.TOTVSUser,
				Password: o.TOTVSPassword, OAuth2: true}),
			mosia: mosia.New(mosia.Options{BaseURL: sb.MosiaURL(), Token: o.MosiaToken}),
		}
	})
	require.NoError(t, fixErr, "fixture")
	return fix
}

// services builds the console's services over the real directory and clients, with ob as the outbox.
func (f *fixture) services(ob common.Outbox) *common.Services {
	return &common.Services{Directory: f.dir, TOTVS: f.totvs, Mosia: f.mosia, Outbox: ob, Status: fakeStatus{},
		Catalogue: config.DefaultCatalogue()}
}

// fakeOutbox stands in for the durable outbox (these tests search and open; the outbox has its own tests).
// When gate is set, Submit waits for it to close, so a test can hold a submission in flight.
type fakeOutbox struct {
	gate       chan struct{}
	entered    chan struct{}
	mu         sync.Mutex
	finished   int
	attendants []string // who submitted, in order
}

func (o *fakeOutbox) Submit(ctx context.Context, attendant string, req model.Occurrence) (common.OutboxItem, error) {
	if o.entered != nil {
		o.entered <- struct{}{}
	}
	if o.gate != nil {
		<-o.gate
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.finished++
	o.attendants = append(o.attendants, attendant)
	return common.OutboxItem{ID: fmt.Sprint(o.finished), Attendant: attendant, Occurrence: req,
		State: common.OutboxSent, Protocol: "2025031000000001"}, nil
}

func (o *fakeOutbox) List(context.Context) ([]common.OutboxItem, error) { return nil, nil }
func (o *fakeOutbox) RetryNow(context.Context, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no item")
}
func (o *fakeOutbox) Resubmit(context.Context, string, model.Occurrence) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no item")
}
func (o *fakeOutbox) PendingCount(context.Context) (int, error) { return 0, nil }
func (o *fakeOutbox) Cancel(context.Context, string, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no item")
}

func (o *fakeOutbox) done() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.finished
}

type fakeStatus struct{}

func (fakeStatus) ServerAddr() string    { return "" }
func (fakeStatus) ServerError() string   { return "" }
func (fakeStatus) ServerRequests() int64 { return 0 }
func (fakeStatus) Upstreams() (common.Health, common.Health) {
	return common.Health{State: common.HealthOK}, common.Health{State: common.HealthOK}
}

// running is a server serving in the background on 127.0.0.1:0.
type running struct {
	*Server
	cancel context.CancelFunc
	ended  chan struct{} // closed when ListenAndServe returned
	err    error         // what it returned
	logs   *syncBuffer
}

// stop shuts the server down gracefully and returns ListenAndServe's error.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case <-r.ended:
		return r.err
	case <-time.After(2 * waitLong):
		t.Fatal("server did not shut down")
		return nil
	}
}

// waitLog waits until the server has logged text.
func (r *running) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !strings.Contains(r.logs.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never logged; logs:\n%s", text, r.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// port is the port the server listens on.
func (r *running) port() string {
	_, p, _ := net.SplitHostPort(r.Addr().String())
	return p
}

// startServer starts a server with o (Addr and HostKeyPath default to a free loopback port and a temp file).
func startServer(t testing.TB, svc *common.Services, o Options) *running {
	t.Helper()
	s, logs := newServer(t, svc, o)
	require.NoError(t, s.listen())
	return serve(t, s, logs)
}

// newServer builds a server logging into a buffer.
func newServer(t testing.TB, svc *common.Services, o Options) (*Server, *syncBuffer) {
	t.Helper()
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.HostKeyPath == "" {
		o.HostKeyPath = filepath.Join(t.TempDir(), "host_ed25519")
	}
	logs := &syncBuffer{}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := New(svc, ui.NewHub(), o)
	require.NoError(t, err)
	return s, logs
}

// serve runs a listening server in the background until the test ends.
func serve(t testing.TB, s *Server, logs *syncBuffer) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Server: s, cancel: cancel, ended: make(chan struct{}), logs: logs}
	go func() { r.err = s.ListenAndServe(ctx); close(r.ended) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.ended:
		case <-time.After(2 * waitLong):
		}
	})
	return r
}

// requireOpenSSH skips the test when the OpenSSH client is missing (fails it when BALCAO_E2E_REQUIRED=1).
func requireOpenSSH(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("BALCAO_E2E_REQUIRED") == "1" {
				t.Fatalf("sshserver: openssh-client not installed (apt-get install openssh-client) and BALCAO_E2E_REQUIRED=1")
			}
			t.Skip("sshserver: openssh-client not installed (apt-get install openssh-client)")
		}
	}
}

// keygen makes an ed25519 client key pair with ssh-keygen in dir; it returns the private key's path.
func keygen(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path).CombinedOutput()
	require.NoError(t, err, "ssh-keygen: %s", out)
	return path
}

// authorizedKeysFile writes the public keys of the given private keys into an authorized_keys file, each for the
// attendant named like the key's file.
func authorizedKeysFile(t *testing.T, keys ...string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("# attendants of balcão\n\n")
	for _, k := range keys {
		pub, err := os.ReadFile(k + ".pub")
		require.NoError(t, err)
		b.WriteString(`attendant="` + filepath.Base(k) + `" `)
		b.Write(pub)
	}
	path := filepath.Join(t.TempDir(), "authorized_keys")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
	return path
}

// sshArgs are the OpenSSH client's arguments for a test connection as user with key.
func sshArgs(port, key, user string, extra ...string) []string {
	args := []string{"-F", "/dev/null", "-p", port, "-i", key, "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
		"-o", "LogLevel=ERROR"}
	args = append(args, extra...)
	return append(args, user+"@127.0.0.1")
}

// syncBuffer is a goroutine-safe buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// goClient is a session of golang.org/x/crypto/ssh's client: cheap enough for load tests, and it can send
// environment variables and window changes.
type goClient struct {
	t     testing.TB
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.WriteCloser
	out   *syncBuffer
	done  chan struct{}
	err   error
}

type goClientOptions struct {
	user          string
	auth          gossh.AuthMethod
	env           map[string]string
	noPTY         bool
	width, height int
	answer        bool // answer the terminal queries (device attributes) like a real terminal does
}

// dialGo connects to addr and starts a shell (with a PTY unless noPTY).
func dialGo(t testing.TB, addr string, o goClientOptions) *goClient {
	t.Helper()
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: o.user, Auth: []gossh.AuthMethod{o.auth},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLong})
	require.NoError(t, err)
	return shellOn(t, conn, o)
}

// shellOn starts one more session with a shell on an open connection.
func shellOn(t testing.TB, conn *gossh.Client, o goClientOptions) *goClient {
	t.Helper()
	if o.width == 0 {
		o.width, o.height = 110, 32
	}
	sess, err := conn.NewSession()
	require.NoError(t, err)
	for k, v := range o.env {
		require.NoError(t, sess.Setenv(k, v))
	}
	c := &goClient{t: t, conn: conn, sess: sess, out: &syncBuffer{}, done: make(chan struct{})}
	c.stdin, err = sess.StdinPipe()
	require.NoError(t, err)
	sess.Stdout, sess.Stderr = c.out, c.out
	if o.answer {
		sess.Stdout = &answering{w: c.out, stdin: c.stdin}
	}
	if !o.noPTY {
		require.NoError(t, sess.RequestPty("xterm-256color", o.height, o.width, gossh.TerminalModes{}))
	}
	require.NoError(t, sess.Shell())
	go func() { c.err = sess.Wait(); close(c.done) }()
	t.Cleanup(c.close)
	return c
}

func (c *goClient) close() {
	_ = c.sess.Close()
	_ = c.conn.Close()
}

// answering answers the primary device attributes query (ESC [ c) as an xterm would.
type answering struct {
	w     io.Writer
	stdin io.Writer
}

func (a *answering) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("\x1b[c")) {
		go func() { _, _ = io.WriteString(a.stdin, "\x1b[?62;22c") }()
	}
	return a.w.Write(p)
}

// text is everything the session printed, without escape sequences.
func (c *goClient) text() string { return ansi.Strip(c.out.String()) }

// waitFor waits until text has been printed; it fails the test (showing the output's tail) otherwise.
func (c *goClient) waitFor(text string) {
	c.t.Helper()
	deadline := time.Now().Add(waitLong)
	for !strings.Contains(c.text(), text) {
		if time.Now().After(deadline) {
			out := c.text()
			c.t.Fatalf("%q never printed; output tail:\n%s", text, out[max(0, len(out)-2000):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send types s.
func (c *goClient) send(s string) {
	c.t.Helper()
	_, err := io.WriteString(c.stdin, s)
	require.NoError(c.t, err)
}

// wait waits for the session to end and returns its exit error (nil for status 0).
func (c *goClient) wait() error {
	c.t.Helper()
	select {
	case <-c.done:
		return c.err
	case <-time.After(waitLong):
		c.t.Fatalf("session did not end; output tail:\n%s", c.text())
		return nil
	}
}

// goKey makes an ed25519 key in memory for attendant "atendente1": its auth method and its authorized_keys line.
func goKey(t testing.TB) (gossh.AuthMethod, []byte) { return goKeyAs(t, "atendente1") }

// goKeyAs makes an ed25519 key in memory for an attendant: its auth method and its authorized_keys line
// (attendant="name" ssh-ed25519 …).
func goKeyAs(t testing.TB, attendant string, options ...string) (gossh.AuthMethod, []byte) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	signer, err := gossh.NewSignerFromKey(priv)
	require.NoError(t, err)
	sshPub, err := gossh.NewPublicKey(pub)
	require.NoError(t, err)
	opts := append([]string{`attendant="` + attendant + `"`}, options...)
	return gossh.PublicKeys(signer), append([]byte(strings.Join(opts, ",")+" "), gossh.MarshalAuthorizedKey(sshPub)...)
}

// writeAuthorized writes authorized_keys lines to a temp file.
func writeAuthorized(t testing.TB, lines ...[]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "authorized_keys")
	require.NoError(t, os.WriteFile(path, bytes.Join(lines, nil), 0o600))
	return path
}

func (*fakeOutbox) SubmitFollowUp(context.Context, string, model.FollowUp) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
func (*fakeOutbox) ResubmitFollowUp(context.Context, string, model.FollowUp) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
func (*fakeOutbox) ForProtocol(context.Context, string) ([]common.OutboxItem, error) { return nil, nil }
func (*fakeOutbox) Discard(context.Context, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
func (*fakeOutbox) ResolveFollowUp(context.Context, string, bool) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
