package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/pgsql"
	"github.com/balcao/balcao/sandbox"
)

// The fleet's fault tests: real balcao processes (balcao ssh, each with its busca service and outbox sender) on one
// real PostgreSQL, against the real sandbox over HTTP behind a gate that can hold a creation on the wire.

const fleetSecret = "segredo-da-frota-de-teste"

// gate serves the sandbox, and holds the next POST /clientes/ocorrencias when armed until the test says whether
// it reaches the sandbox (the occurrence is created, its answer lost with its dead sender) or is dropped.
type gate struct {
	sb   *sandbox.Sandbox
	mu   sync.Mutex
	arm  bool
	held chan heldPost
}

type heldPost struct {
	note    string
	forward chan bool
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/clientes/ocorrencias" {
		g.mu.Lock()
		armed := g.arm
		g.arm = false
		g.mu.Unlock()
		if armed {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct {
				Anotacao string `json:"anotacao"`
			}
			_ = json.Unmarshal(body, &req)
			h := heldPost{note: req.Anotacao, forward: make(chan bool)}
			g.held <- h
			if !<-h.forward {
				if hj, ok := w.(http.Hijacker); ok {
					if c, _, err := hj.Hijack(); err == nil {
						_ = c.Close()
					}
				}
				return
			}
		}
	}
	g.sb.Handler().ServeHTTP(w, r)
}

// fleetRig is a database, a gated sandbox, and the files every instance shares.
type fleetRig struct {
	url   string
	pg    *pgtest.Cluster
	sb    *sandbox.Sandbox
	gate  *gate
	sbURL string
	keys  string // authorized_keys
	pool  *pgsql.Pool
	queue *outbox.Queue // the shared queue, as the test sees it
}

func newFleetRig(t *testing.T, faults sandbox.Faults, restartable bool) *fleetRig {
	t.Helper()
	r := &fleetRig{}
	if restartable {
		r.pg, r.url = pgtest.Restartable(t)
	} else {
		r.url = pgtest.URL(t)
	}
	r.sb = sandbox.New(sandbox.Options{Seed: 7, Beneficiaries: 3000, Faults: faults, FaultSeed: 3})
	r.gate = &gate{sb: r.sb, held: make(chan heldPost, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: r.gate, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	r.sbURL = "http://" + ln.Addr().String()

	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sshPub, err := gossh.NewPublicKey(pub)
	require.NoError(t, err)
	r.keys = filepath.Join(t.TempDir(), "authorized_keys")
	require.NoError(t, os.WriteFile(r.keys, append([]byte(`attendant="ana" `), gossh.MarshalAuthorizedKey(sshPub)...), 0o600))

	r.pool, err = pgsql.Open(context.Background(), r.url)
	require.NoError(t, err)
	t.Cleanup(r.pool.Close)
	st, err := outbox.OpenPostgres(context.Background(), r.pool)
	require.NoError(t, err)
	r.queue = outbox.NewQueue(st)
	return r
}

// instance is one running balcao ssh of the fleet.
type instance struct {
	cmd       *exec.Cmd
	dir       string // its own XDG home and files
	base      string // its busca service's base URL
	stderr    *lockedBuffer
	exited    chan struct{}
	configArg string
}

// writeConfig writes an instance's configuration in dir: production upstreams (the gated sandbox), the
// sandbox's catalogue, short leases and backoffs, the fleet's database.
func (r *fleetRig) writeConfig(t *testing.T, dir, sshAddr, buscaAddr string) string {
	t.Helper()
	o := r.sb.Options()
	cfg := map[string]any{
		"db":     filepath.Join(dir, "diretorio.db"),
		"totvs":  map[string]any{"url": r.sbURL + "/rest", "user": o.TOTVSUser, "password": o.TOTVSPassword, "auth": "oauth2"},
		"mosia":  map[string]any{"url": r.sbURL, "token": o.MosiaToken, "timeout": "5s"},
		"server": map[string]any{"addr": buscaAddr, "secret": fleetSecret},
		"ssh": map[string]any{"addr": sshAddr, "authorized_keys": r.keys,
			"host_key": filepath.Join(dir, "ssh_host_ed25519")},
		"outbox":   map[string]any{"lease": "3s", "min_backoff": "20ms", "max_backoff": "300ms"},
		"postgres": map[string]any{"url": r.url},
		"log":      map[string]any{"file": filepath.Join(dir, "balcao.log")},
		"catalogo": config.DefaultCatalogue(),
	}
	b, err := toml.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "config.toml")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// start starts a balcao ssh of the fleet and waits until its busca service answers.
func (r *fleetRig) start(t *testing.T) *instance {
	t.Helper()
	in := &instance{dir: t.TempDir(), stderr: &lockedBuffer{}, exited: make(chan struct{})}
	busca := freePort(t)
	in.base = "http://" + busca
	in.configArg = r.writeConfig(t, in.dir, freePort(t), busca)
	in.cmd = exec.Command(binPath, "--config", in.configArg, "ssh")
	in.cmd.Env = append(env(t), "HOME="+in.dir, "XDG_DATA_HOME="+in.dir, "XDG_STATE_HOME="+in.dir,
		"XDG_CACHE_HOME="+in.dir)
	in.cmd.Stdout, in.cmd.Stderr = io.Discard, in.stderr
	require.NoError(t, in.cmd.Start())
	go func() { _ = in.cmd.Wait(); close(in.exited) }()
	t.Cleanup(func() {
		_ = in.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-in.exited:
		case <-time.After(20 * time.Second):
			_ = in.cmd.Process.Kill()
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(in.dir, "balcao.log"))
			t.Logf("instance %d stderr:\n%s\nlog (tail):\n%s", in.cmd.Process.Pid, in.stderr.String(), tail(string(log), 3000))
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-in.exited:
			t.Fatalf("instance ended at start: %s", in.stderr.String())
		default:
		}
		if code, _ := in.get(t, "/healthz"); code == http.StatusOK {
			return in
		}
		require.False(t, time.Now().After(deadline), "instance never answered: %s", in.stderr.String())
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// get asks the instance's busca service with the fleet's secret.
func (in *instance) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, in.base+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", fleetSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// busca searches by CPF on the instance.
func (in *instance) busca(t *testing.T, cpf string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.base+"/buscaBeneficiarios", strings.NewReader(`{"cpf":"`+cpf+`"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", fleetSecret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// importCSV runs balcao import on the instance's machine (its configuration) and returns its output.
func (r *fleetRig) importCSV(t *testing.T, in *instance, rows ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "beneficiarios.csv")
	require.NoError(t, os.WriteFile(path, []byte("nome;cpf;data_nascimento;numero_contrato;contrato_descricao\n"+
		strings.Join(rows, "\n")+"\n"), 0o600))
	dir := in.dir
	if dir == "" {
		dir = t.TempDir()
		in.configArg = r.writeConfig(t, dir, freePort(t), freePort(t))
	}
	out, stderr, code := run(t, append(env(t), "XDG_DATA_HOME="+dir), "--config", in.configArg, "import", path)
	require.Equal(t, 0, code, "import: %s %s", out, stderr)
	return out
}

// seedDirectory publishes a first directory (the instances need one to serve).
func (r *fleetRig) seedDirectory(t *testing.T) {
	t.Helper()
	r.importCSV(t, &instance{}, "João da Silva;529.982.247-25;12/03/1980;0000009;MS PRATA")
}

// submit queues n occurrences in the shared queue, each for the sandbox's i-th beneficiary with a note naming it.
func (r *fleetRig) submit(t *testing.T, q *outbox.Queue, from, n int) []outbox.Item {
	t.Helper()
	var items []outbox.Item
	for i := from; i < from+n; i++ {
		it, err := q.Submit(context.Background(), "ana", r.occurrence(i))
		require.NoError(t, err)
		items = append(items, it)
	}
	return items
}

func (r *fleetRig) occurrence(i int) model.Occurrence {
	b := r.sb.Dataset().Beneficiary(i)
	who := model.Party{Name: b.Name, ChaveUnica: b.ChaveUnica}
	return model.Occurrence{Function: 9298, TypeID: 128, SubjectID: 174, Requester: who, Beneficiary: &who,
		Note: fmt.Sprintf("frota %d", i)}
}

// waitAllSent waits until no item of the shared queue is pending or being sent (a liveness bound).
func (r *fleetRig) waitAllSent(t *testing.T, extra func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		n, err := r.queue.PendingCount(context.Background())
		if err == nil && n == 0 && (extra == nil || extra()) {
			return
		}
		require.False(t, time.Now().After(deadline), "the fleet did not deliver everything: %d left (%v)", n, err)
		time.Sleep(100 * time.Millisecond)
	}
}

// assertEachOnce checks on the sandbox's side that each item's text was created exactly once, and that each item
// holds the protocol of its own text.
func (r *fleetRig) assertEachOnce(t *testing.T, items []outbox.Item) {
	t.Helper()
	byNote := map[string][]string{}
	for _, c := range r.sb.Created() {
		var body struct {
			Anotacao string `json:"anotacao"`
		}
		require.NoError(t, json.Unmarshal(c.Body, &body))
		byNote[body.Anotacao] = append(byNote[body.Anotacao], c.Protocol)
	}
	lost, dup := 0, 0
	for _, it := range items {
		got, err := r.queue.Get(context.Background(), it.ID)
		require.NoError(t, err)
		ps := byNote[it.Occurrence.Note]
		switch {
		case len(ps) == 0:
			lost++
		case len(ps) > 1:
			dup++
		default:
			assert.Equal(t, outbox.Sent, got.State, it.Occurrence.Note)
			assert.Equal(t, ps[0], got.Protocol, "%q holds the protocol of its own text", it.Occurrence.Note)
		}
	}
	assert.Zero(t, lost, "lost")
	assert.Zero(t, dup, "duplicated")
	assert.Equal(t, len(items), r.sb.CreatedCount(), "occurrences created in the sandbox")
}

// leaseHolderPID is the pid of the instance holding the lease of the item whose note is note.
func (r *fleetRig) leaseHolderPID(t *testing.T, items []outbox.Item, note string) int {
	t.Helper()
	for _, it := range items {
		if it.Occurrence.Note != note {
			continue
		}
		got, err := r.queue.Get(context.Background(), it.ID)
		require.NoError(t, err)
		require.Equal(t, outbox.Sending, got.State, "the held item is being sent")
		require.True(t, got.Uncertain, "its attempt was recorded before the POST")
		parts := strings.Split(got.LeaseOwner, "-") // host-pid-random
		require.GreaterOrEqual(t, len(parts), 3, got.LeaseOwner)
		pid, err := strconv.Atoi(parts[len(parts)-2])
		require.NoError(t, err, got.LeaseOwner)
		return pid
	}
	t.Fatalf("no item with note %q", note)
	return 0
}

// Three instances deliver one queue; the one sending an item is killed with SIGKILL while its POST is on the wire.
// Whether Mosia then creates the occurrence (its answer lost with the dead sender) or never receives it, the
// other two deliver every item exactly once, the dead one's included (found by the duplicate check, or resent).
func TestFleetKillOneInstanceMidDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a fleet of processes")
	}
	for _, tc := range []struct {
		name    string
		forward bool
	}{{"created, answer lost", true}, {"never reached Mosia", false}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFleetRig(t, sandbox.Faults{}, false)
			r.seedDirectory(t)
			var insts []*instance
			for range 3 {
				insts = append(insts, r.start(t))
			}
			r.gate.mu.Lock()
			r.gate.arm = true
			r.gate.mu.Unlock()
			items := r.submit(t, r.queue, 0, 12)

			var h heldPost
			select {
			case h = <-r.gate.held:
			case <-time.After(90 * time.Second):
				t.Fatal("no instance started a delivery")
			}
			pid := r.leaseHolderPID(t, items, h.note)
			var victim *instance
			for _, in := range insts {
				if in.cmd.Process.Pid == pid {
					victim = in
				}
			}
			require.NotNil(t, victim, "the lease holder is one of the three")
			require.NoError(t, victim.cmd.Process.Signal(syscall.SIGKILL))
			<-victim.exited
			h.forward <- tc.forward

			r.waitAllSent(t, nil)
			r.assertEachOnce(t, items)
			var deliveredBy []string
			for _, it := range items {
				got, _ := r.queue.Get(context.Background(), it.ID)
				if got.Occurrence.Note == h.note {
					deliveredBy = append(deliveredBy, fmt.Sprintf("attempts=%d", got.Attempts))
				}
			}
			t.Logf("killed pid %d while it sent %q (forwarded: %v); all 12 delivered once by the others (%v)",
				pid, h.note, tc.forward, deliveredBy)
		})
	}
}

// An import run on one instance's machine reaches the other two: each answers searches with the new data
// (NOTIFY, then a rebuild of its local index while the old one serves). The time from the import's end to the
// last instance answering is logged; the 5 s target is checked by that figure and by BenchmarkFleetRefresh.
func TestFleetImportReachesTheOtherInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a fleet of processes")
	}
	r := newFleetRig(t, sandbox.Faults{}, false)
	r.seedDirectory(t)
	insts := []*instance{r.start(t), r.start(t), r.start(t)}
	const cpf = "11144477735"
	for _, in := range insts {
		require.NotContains(t, in.busca(t, cpf), "Pedro Alves")
	}
	out := r.importCSV(t, insts[0], "Pedro Alves;111.444.777-35;01/01/1990;0000011;MS BRONZE")
	assert.Contains(t, out, "geração 2")
	imported := time.Now()
	var lags []time.Duration
	for _, in := range insts[1:] {
		require.Eventually(t, func() bool { return strings.Contains(in.busca(t, cpf), "Pedro Alves") },
			60*time.Second, 10*time.Millisecond, "instance never answered with the new data")
		lags = append(lags, time.Since(imported))
		assert.Eventually(t, func() bool { // the generation is noted just after the swap
			_, health := in.get(t, "/healthz")
			return strings.Contains(health, `"geracao":2,"geracao_local":2`)
		}, 10*time.Second, 10*time.Millisecond, "healthz reports the new local generation")
		assert.Contains(t, in.busca(t, "52998224725"), "Silva", "the first import's beneficiary is still there")
	}
	t.Logf("import → the other two instances answer with the new data after %v", lags)
	fmt.Printf("fleet import: the other instances answered with the new data %v after the import ended\n", lags)
}

// A 1,000-occurrence soak under 20% upstream faults while PostgreSQL is restarted in the middle: submitters keep
// being answered (the spill takes what the database cannot), three instances keep delivering, and at the end every
// occurrence was created in the sandbox exactly once. BALCAO_FLEET_SOAK sets the count.
func TestFleetSoakWithPostgresRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	total := 1000
	if v, err := strconv.Atoi(os.Getenv("BALCAO_FLEET_SOAK")); err == nil && v > 0 {
		total = v
	}
	faults := sandbox.Faults{FailRate: 0.08, DropRate: 0.06, DropAfterCreate: 0.06, Scope: sandbox.ScopeMosia}
	r := newFleetRig(t, faults, true)
	r.seedDirectory(t)
	for range 3 {
		r.start(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := fleet.Open(ctx, r.url, nil)
	require.NoError(t, err)
	defer f.Close()
	q, spill, err := f.Outbox(ctx, filepath.Join(t.TempDir(), "ocorrencias-espera.db"))
	require.NoError(t, err)
	defer q.Close()

	const submitters = 20
	var (
		mu       sync.Mutex
		items    []outbox.Item
		wg       sync.WaitGroup
		next     = make(chan int, total)
		restart  = make(chan struct{})
		restarts sync.Once
		spilled  int
	)
	for i := range total {
		next <- i
	}
	close(next)
	for range submitters {
		wg.Go(func() {
			for i := range next {
				if i == total/3 {
					restarts.Do(func() { close(restart) })
				}
				it, err := q.Submit(context.Background(), "ana", r.occurrence(i))
				if !assert.NoError(t, err, "a submission is always accepted") {
					return
				}
				mu.Lock()
				items = append(items, it)
				mu.Unlock()
				time.Sleep(2 * time.Millisecond) // attendants, not a bulk load
			}
		})
	}
	<-restart
	start := time.Now()
	require.NoError(t, r.pg.Stop(true))
	time.Sleep(1500 * time.Millisecond)
	if n, err := spill.Spilled(context.Background()); err == nil {
		spilled = n
	}
	require.NoError(t, r.pg.Start())
	down := time.Since(start)
	wg.Wait()
	require.Len(t, items, total)
	r.waitAllSent(t, func() bool { n, err := spill.Spilled(ctx); return err == nil && n == 0 })
	r.assertEachOnce(t, items)
	posts := r.sb.Requests("/clientes/ocorrencias") - r.sb.Requests("/clientes/ocorrencias/")
	summary := fmt.Sprintf("fleet soak: %d occurrences, 3 instances, 20%% upstream faults, PostgreSQL down %v "+
		"(%d kept in the local spill meanwhile): %d created in the sandbox, 0 lost, 0 duplicated, %d POSTs",
		total, down.Round(time.Millisecond), spilled, r.sb.CreatedCount(), posts)
	t.Log(summary)
	fmt.Println(summary)
	assert.Positive(t, spilled, "submissions during the outage went to the spill")
}

// Fleet mode refuses what it cannot trust, in pt-BR, and never prints the database password.
func TestFleetModeRefusesWhatItCannotUse(t *testing.T) {
	dir := t.TempDir()
	raw, err := toml.Marshal(map[string]any{
		"totvs":    map[string]any{"url": "http://127.0.0.1:9/rest", "user": "u", "password": "p"},
		"mosia":    map[string]any{"url": "http://127.0.0.1:9", "token": "t"},
		"catalogo": config.DefaultCatalogue(),
	})
	require.NoError(t, err)
	prod := filepath.Join(dir, "config.toml")
	require.NoError(t, os.WriteFile(prod, raw, 0o600))
	closed := "postgres://balcao:senha-secreta@" + freePort(t) + "/balcao?connect_timeout=2"
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"demo has no fleet", []string{"serve", "--postgres", "postgres://db/balcao"}, 2, "precisa de TOTVS e Mosia"},
		{"serve --demo has no fleet", []string{"--config", prod, "serve", "--demo", "--postgres", "postgres://db/balcao"}, 2, "precisa de TOTVS e Mosia"},
		{"unreadable URL", []string{"--config", prod, "serve", "--postgres", "mysql://db/balcao"}, 2, "postgres.url"},
		{"database out of reach", []string{"--config", prod, "serve", "--postgres", closed}, 1, "não foi possível usar o PostgreSQL da frota"},
		{"import, database out of reach", []string{"--config", prod, "import", "--postgres", closed, prod}, 1, "não foi possível usar o PostgreSQL da frota"},
		{"migrate needs a target", []string{"--config", prod, "migrate"}, 1, "--to-postgres"},
		{"migrate needs a URL", []string{"--config", prod, "migrate", "--to-postgres"}, 2, "postgres.url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, env(t), tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.contains)
			assert.NotContains(t, stderr, "senha-secreta")
			assert.NotContains(t, stderr, "panic")
		})
	}
}

// balcao migrate --to-postgres moves a machine into an empty fleet database, says what it moved, and a second
// run moves nothing; the fleet's commands then read what came (the directory, the access record's chain).
func TestMigrateToPostgresWithTheBinary(t *testing.T) {
	url := pgtest.URL(t)
	e := env(t)
	db := filepath.Join(t.TempDir(), "diretorio.db")
	csv := filepath.Join(t.TempDir(), "b.csv")
	require.NoError(t, os.WriteFile(csv, []byte("nome;cpf;numero_contrato;contrato_descricao\n"+
		"João da Silva;529.982.247-25;0000009;MS PRATA\nAna Lima;235.764.830-98;0000010;MS OURO\n"), 0o600))
	_, stderr, code := run(t, e, "--db", db, "import", csv)
	require.Equal(t, 0, code, stderr)

	out, stderr, code := run(t, e, "--db", db, "migrate", "--to-postgres="+url)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "diretório: 2 beneficiários, geração 1")
	assert.Contains(t, out, "ocorrencias.db não existe: nada a copiar")
	out, stderr, code = run(t, e, "--db", db, "migrate", "--to-postgres="+url)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "o banco já tem um e ele fica")
	assert.Contains(t, out, "o banco já tinha a da frota")

	_, stderr, code = run(t, e, "audit", "verify", "--postgres", url)
	assert.Equal(t, 0, code, stderr)
}
