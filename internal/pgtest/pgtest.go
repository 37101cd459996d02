// Package pgtest gives tests a real PostgreSQL: the server named by BALCAO_TEST_POSTGRES, or else a throwaway
// cluster this test binary starts once (initdb and pg_ctl from Debian's postgresql package, in a temporary
// directory, on a free loopback port) and removes when its tests end. Each test gets a fresh database of its own.
//
// initdb refuses to run as root, and CI runs as root: the cluster then runs as the postgres system user the
// package creates (through runuser), in a directory handed to it. Without the package the tests that need it
// skip, naming it; with BALCAO_E2E_REQUIRED=1 (CI) they fail instead.
//
// A package using it calls Main from its TestMain, so the cluster is stopped once, after the last test.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment read here.
const (
	URLEnv      = "BALCAO_TEST_POSTGRES" // an admin URL of a server to create the test databases on
	RequiredEnv = "BALCAO_E2E_REQUIRED"  // "1": a missing PostgreSQL fails the test instead of skipping it
)

// missing is the message of a test that cannot have PostgreSQL.
const missing = "PostgreSQL not available (apt-get install postgresql, or set " + URLEnv + "): "

var (
	mu      sync.Mutex
	shared  *Cluster // the throwaway cluster of this test binary, once started
	sharedE error    // why it could not start
	started bool
)

// Main runs the tests and then stops the throwaway cluster, if one was started: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops and removes the throwaway cluster of this test binary, if one was started.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		shared.Remove()
		shared = nil
	}
}

// URL returns the URL of a new, empty database for t, dropped when t ends. It skips t (fails it under
// BALCAO_E2E_REQUIRED=1) when no PostgreSQL can be had.
func URL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(URLEnv)
	if admin == "" {
		c := sharedCluster(t)
		admin = c.AdminURL()
	}
	return newDatabase(t, admin)
}

// Restartable returns a cluster that t may stop and start (the shared one, or, when BALCAO_TEST_POSTGRES names a
// server the test must not restart, a private one), with a fresh database on it.
func Restartable(t testing.TB) (*Cluster, string) {
	t.Helper()
	if os.Getenv(URLEnv) == "" {
		c := sharedCluster(t)
		return c, newDatabase(t, c.AdminURL())
	}
	c, err := StartCluster()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(c.Remove)
	return c, newDatabase(t, c.AdminURL())
}

func sharedCluster(t testing.TB) *Cluster {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		shared, sharedE = StartCluster()
	}
	if sharedE != nil {
		unavailable(t, sharedE)
	}
	return shared
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(RequiredEnv) == "1" {
		t.Fatalf("%s%v (and %s=1)", missing, err, RequiredEnv)
	}
	t.Skip(missing + err.Error())
}

// newDatabase creates a database on the server of admin and returns its URL; it is dropped when t ends.
func newDatabase(t testing.TB, admin string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "balcao_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect %s: %v", redact(admin), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return // the server went away (a restart test's cluster is removed first): nothing to drop
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", redact(admin), err)
	}
	u.Path = "/" + name
	return u.String()
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return s
}

// Cluster is a throwaway PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only.
type Cluster struct {
	bin   string // the directory of initdb and pg_ctl
	dir   string // the temporary directory: data/, the log, the socket
	port  int
	owner *user.User // who the server runs as (nil: this process's user)

	mu      sync.Mutex
	running bool
}

// StartCluster initialises and starts a new cluster (as the postgres user when this process is root).
func StartCluster() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		if c.owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root, and no postgres system user to run the cluster as: %w", err)
		}
	}
	if c.dir, err = os.MkdirTemp("", "balcao-pgtest-"); err != nil {
		return nil, err
	}
	if err := c.chown(c.dir); err != nil {
		c.Remove()
		return nil, err
	}
	out, err := c.run("initdb", "-D", c.data(), "-U", "balcao", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if err != nil {
		c.Remove()
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	for range 5 { // a free port can be taken between finding it and listening on it: try another
		if c.port, err = freePort(); err != nil {
			break
		}
		if err = c.Start(); err == nil {
			return c, nil
		}
	}
	c.Remove()
	return nil, err
}

// binDir finds initdb and pg_ctl: on PATH, else in Debian's /usr/lib/postgresql/<version>/bin, newest first.
func binDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("initdb and pg_ctl not found on PATH nor in /usr/lib/postgresql/*/bin")
}

// version reads the major version of /usr/lib/postgresql/<version>/bin.
func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// chown hands path to the cluster's owner.
func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.owner.Uid)
	gid, _ := strconv.Atoi(c.owner.Gid)
	return os.Chown(path, uid, gid)
}

// run runs one of the cluster's programs as its owner.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.owner != nil {
		cmd = exec.Command("runuser", append([]string{"-u", c.owner.Username, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd.CombinedOutput()
}

// Start starts the server and waits until it accepts connections.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return nil
	}
	opts := strings.Join([]string{
		"-c listen_addresses=127.0.0.1", "-c port=" + strconv.Itoa(c.port),
		"-c unix_socket_directories=" + c.dir, "-c max_connections=300",
		"-c fsync=off", "-c full_page_writes=off", // a throwaway cluster: the OS keeps what was committed
	}, " ")
	out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60",
		"-o", opts, "start")
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	c.running = true
	return nil
}

// Stop stops the server. Immediate is a crash as far as the clients are concerned (every connection cut,
// recovery at the next start); otherwise it is a fast shutdown.
func (c *Cluster) Stop(immediate bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	mode := "fast"
	if immediate {
		mode = "immediate"
	}
	out, err := c.run("pg_ctl", "-D", c.data(), "-m", mode, "-w", "-t", "60", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	c.running = false
	return nil
}

// AdminURL is the URL of the cluster's superuser on its postgres database.
func (c *Cluster) AdminURL() string {
	return fmt.Sprintf("postgres://balcao@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// Remove stops the server and deletes its directory.
func (c *Cluster) Remove() {
	_ = c.Stop(true)
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}
