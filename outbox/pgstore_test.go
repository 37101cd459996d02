package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/pgsql"
	"github.com/balcao/balcao/sandbox"
)

// openPG opens a pool on url and the PostgreSQL store on it, both closed when t ends.
func openPG(t *testing.T, url string) (*pgsql.Pool, *outbox.Postgres) {
	t.Helper()
	pool, err := pgsql.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := outbox.OpenPostgres(context.Background(), pool)
	require.NoError(t, err)
	return pool, st
}

// queueScript runs one sequence of queue operations (claims, look-alikes held back, leases, a shared protocol,
// flags, expiry, purge) and returns what each step answered, items named by letter.
func queueScript(t *testing.T, r *rig, q *outbox.Queue) []string {
	ctx := context.Background()
	now := time.Now()
	const lease = time.Minute
	names := map[string]string{}
	var trace []string
	say := func(format string, args ...any) { trace = append(trace, fmt.Sprintf(format, args...)) }
	name := func(it outbox.Item, ok bool) string {
		if !ok {
			return "-"
		}
		return names[it.ID]
	}
	errName := func(err error) string {
		for _, e := range []error{outbox.ErrHeldBack, outbox.ErrLeased, outbox.ErrLeaseLost, outbox.ErrProtocolTaken,
			outbox.ErrAlreadySent, outbox.ErrNotFound} {
			if errors.Is(err, e) {
				return e.Error()
			}
		}
		if err != nil {
			return "unexpected: " + err.Error()
		}
		return "ok"
	}
	for _, occ := range []string{"a", "b", "c"} {
		o := r.lookAlike(0, 0, occ) // a and b are look-alikes
		if occ == "c" {
			o = r.request(1)
		}
		it, err := q.Submit(ctx, "ana", o)
		require.NoError(t, err)
		names[it.ID] = occ
	}
	claim := func(owner string, at time.Time) string {
		it, ok, err := q.Claim(ctx, owner, lease, at)
		require.NoError(t, err)
		return name(it, ok)
	}
	say("w1 claims %s", claim("w1", now))
	say("w2 claims %s", claim("w2", now))
	say("w3 claims %s", claim("w3", now))
	ids := map[string]string{}
	for id, n := range names {
		ids[n] = id
	}
	_, _, err := q.ClaimID(ctx, ids["b"], "w3", lease, now)
	say("claim b: %s", errName(err))
	_, _, err = q.ClaimID(ctx, ids["a"], "w2", lease, now)
	say("claim a by w2: %s", errName(err))
	_, err = q.MarkAttempt(ctx, ids["a"], "w2", lease, now)
	say("attempt a by w2: %s", errName(err))
	it, err := q.MarkAttempt(ctx, ids["a"], "w1", lease, now)
	say("attempt a by w1: %s attempts=%d uncertain=%v", errName(err), it.Attempts, it.Uncertain)
	say("retry a: %s", errName(q.MarkRetry(ctx, ids["a"], "w1", "tente depois", now.Add(time.Hour), true)))
	say("w3 claims %s (b waits for the uncertain a)", claim("w3", now))
	next, ok, err := q.NextDue(ctx)
	require.NoError(t, err)
	say("next due in %s %v", next.Sub(now).Round(time.Minute), ok)
	say("sent c: %s", errName(q.MarkSent(ctx, ids["c"], "P1", now)))
	say("sent a with c's protocol: %s", errName(q.MarkSent(ctx, ids["a"], "P1", now)))
	holders, err := q.ProtocolHolders(ctx, "P1")
	require.NoError(t, err)
	say("holders of P1: %d", len(holders))
	att, err := q.Attention(ctx)
	require.NoError(t, err)
	for _, it := range att {
		say("attention %s %s flagged=%v", names[it.ID], it.State, it.Flag != "")
	}
	n, err := q.PendingCount(ctx)
	require.NoError(t, err)
	say("pending %d", n)
	say("ack c: %s", errName(q.Acknowledge(ctx, ids["c"])))
	say("w4 claims %s", claim("w4", now.Add(2*time.Hour)))
	say("w5 claims %s after w4's lease", claim("w5", now.Add(2*time.Hour+lease+time.Second)))
	say("w4 releases b: %s", errName(q.Release(ctx, ids["b"], "w4", false)))
	say("w5 needs correction b: %s", errName(q.MarkNeedsCorrection(ctx, ids["b"], "w5", "corrija", false)))
	say("retry b: %s", errName(q.RetryNow(ctx, ids["b"])))
	purged, err := q.Purge(ctx, -time.Hour)
	require.NoError(t, err)
	say("purged %d", purged)
	for _, l := range []string{"a", "b", "c"} {
		it, err := q.Get(ctx, ids[l])
		require.NoError(t, err)
		say("%s: %s attempts=%d protocol=%q uncertain=%v purged=%v note=%q lease=%q", l, it.State, it.Attempts,
			it.Protocol, it.Uncertain, it.Purged, it.Occurrence.Note, it.LeaseOwner)
	}
	return trace
}

// The PostgreSQL store gives every answer the SQLite store gives, step by step.
func TestPostgresStoreAnswersAsSQLite(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	sqliteTrace := queueScript(t, r, r.box)
	_, st := openPG(t, pgtest.URL(t))
	pgTrace := queueScript(t, r, outbox.NewQueue(st))
	assert.Equal(t, sqliteTrace, pgTrace)
	// and the script itself says what the rules say
	assert.Equal(t, []string{"w1 claims a", "w2 claims c", "w3 claims -"}, sqliteTrace[:3])
	assert.Contains(t, sqliteTrace, "claim b: "+outbox.ErrHeldBack.Error())
	assert.Contains(t, sqliteTrace, "w3 claims - (b waits for the uncertain a)")
	assert.Contains(t, sqliteTrace, "w5 claims b after w4's lease")
	assert.Contains(t, sqliteTrace, "w4 releases b: "+outbox.ErrLeaseLost.Error())
	assert.Contains(t, sqliteTrace, "purged 1")
}

// Six instances (a pool each) claim 150 items at once, the first 60 look-alikes of one another in two groups
// (every instance meets them first): each item is claimed once, and no two look-alikes are ever out at once.
func TestClaimsAcrossInstancesOnceAndLookAlikesOneAtATime(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	url := pgtest.URL(t)
	_, st := openPG(t, url)
	q := outbox.NewQueue(st)
	ctx := context.Background()
	group := map[string]string{}
	for i := range 150 {
		o := r.request(i)
		if i < 60 {
			o = r.lookAlike(i%2, 0, fmt.Sprintf("grupo %d item %d", i%2, i))
		}
		it, err := q.Submit(ctx, "ana", o)
		require.NoError(t, err)
		if i < 60 {
			group[it.ID] = fmt.Sprint(i % 2)
		}
	}
	var (
		mu       sync.Mutex
		claimed  = map[string]int{}
		out      = map[string]string{} // look-alike group → the item out now
		overlaps []string
	)
	var wg sync.WaitGroup
	for w := range 6 {
		_, wst := openPG(t, url)
		wq := outbox.NewQueue(wst)
		owner := fmt.Sprintf("instancia-%d", w)
		wg.Go(func() {
			for {
				it, ok, err := wq.Claim(ctx, owner, time.Minute, time.Now())
				if !assert.NoError(t, err) {
					return
				}
				if !ok {
					if n, _ := wq.PendingCount(ctx); n == 0 {
						return
					}
					time.Sleep(2 * time.Millisecond)
					continue
				}
				g := group[it.ID]
				mu.Lock()
				claimed[it.ID]++
				if g != "" {
					if other, busy := out[g]; busy {
						overlaps = append(overlaps, other+" and "+it.ID)
					}
					out[g] = it.ID
				}
				mu.Unlock()
				time.Sleep(time.Millisecond) // the "send"
				if g != "" {
					mu.Lock()
					delete(out, g)
					mu.Unlock()
				}
				assert.NoError(t, wq.MarkSent(ctx, it.ID, "P-"+it.ID, time.Now()))
			}
		})
	}
	wg.Wait()
	assert.Len(t, claimed, 150)
	for id, n := range claimed {
		assert.Equal(t, 1, n, "item %s claimed %d times", id, n)
	}
	assert.Empty(t, overlaps, "look-alikes out at the same time")
}

// Three senders, each on its own pool as three instances would be, deliver 300 occurrences (look-alikes among
// them) through the real sandbox under 20% faults: each text reaches Mosia exactly once.
func TestSendersOfThreeInstancesDeliverEachOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	faults := sandbox.Faults{FailRate: 0.08, DropRate: 0.06, DropAfterCreate: 0.06, Scope: sandbox.ScopeMosia}
	r := newRig(t, faults)
	url := pgtest.URL(t)
	_, st := openPG(t, url)
	q := outbox.NewQueue(st)
	var items []outbox.Item
	for i := range 300 {
		o := r.lookAlike(i%100, (i/100)%2, fmt.Sprintf("texto %d", i)) // items b and b+200 are look-alikes
		it, err := q.Submit(context.Background(), "ana", o)
		require.NoError(t, err)
		items = append(items, it)
	}
	var recs []*recorder
	for w := range 3 {
		_, wst := openPG(t, url)
		opts := r.testOptions(fmt.Sprintf("instancia-%d", w))
		opts.Workers = 2
		s := r.sender(outbox.NewQueue(wst), opts)
		recs = append(recs, collect(s))
		run(t, s)
	}
	waitDone(t, q)
	assertEachTextOnce(t, r, q, items)
	waitSent(t, len(items), recs...)
	dedup := 0
	for _, rec := range recs {
		for _, e := range rec.all() {
			if e.Deduplicated {
				dedup++
			}
		}
	}
	t.Logf("300 items, 3 instances: %d created, %d recovered by the duplicate check", r.sb.CreatedCount(), dedup)
}

// While PostgreSQL is down a new occurrence goes to the local spill, where it is kept and can be corrected; when the database is back, Drain moves it to the shared queue, where it is claimed and sent.
func TestSpillKeepsOccurrencesWhilePostgresIsDown(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	c, url := pgtest.Restartable(t)
	_, st := openPG(t, url)
	local, err := outbox.OpenSQLite(filepath.Join(t.TempDir(), "espera.db"))
	require.NoError(t, err)
	sp := outbox.NewSpill(st, local, pgsql.Unavailable, nil)
	q := outbox.NewQueue(sp)
	ctx := context.Background()

	before, err := q.Submit(ctx, "ana", r.request(0))
	require.NoError(t, err)
	require.NoError(t, c.Stop(true))
	spilled, err := q.Submit(ctx, "ana", r.request(1))
	require.NoError(t, err, "accepted while the database is down")
	n, err := sp.Spilled(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err := q.Get(ctx, spilled.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Pending, got.State)
	assert.NotEmpty(t, got.LastError, "the attendant is told where it is")
	fixed := r.request(1)
	fixed.Note = "corrigida"
	require.NoError(t, q.Resubmit(ctx, spilled.ID, fixed), "a spilled item can be corrected")
	_, err = sp.Drain(ctx)
	require.Error(t, err, "nothing moves while the database is down")
	_, err = q.PendingCount(ctx)
	require.Error(t, err, "the shared queue cannot be counted")

	require.NoError(t, c.Start())
	require.Eventually(t, func() bool {
		moved, err := sp.Drain(ctx)
		return err == nil && moved == 1
	}, 30*time.Second, 100*time.Millisecond)
	n, err = sp.Spilled(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	got, err = st.Get(ctx, spilled.ID)
	require.NoError(t, err, "now in the shared queue")
	assert.Equal(t, "corrigida", got.Occurrence.Note)
	assert.Empty(t, got.LastError)
	count, err := q.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, count)

	s := r.sender(q, r.testOptions("depois"))
	run(t, s)
	s.Kick()
	waitDone(t, q)
	assertExactlyOnce(t, r, q, []outbox.Item{before, spilled})
}

// An item whose insert reached PostgreSQL although its answer did not is in both places: Drain finds it there and
// only drops the spilled copy.
func TestDrainDoesNotQueueAnItemTwice(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	_, st := openPG(t, pgtest.URL(t))
	local, err := outbox.OpenSQLite(filepath.Join(t.TempDir(), "espera.db"))
	require.NoError(t, err)
	ctx := context.Background()
	it := outbox.Item{ID: outbox.NewID(time.Now()), Kind: outbox.KindOccurrence, Attendant: "ana",
		CreatedAt: time.Now(), Occurrence: r.request(0), State: outbox.Pending}
	require.NoError(t, st.Insert(ctx, it))
	require.NoError(t, local.Insert(ctx, it))
	sp := outbox.NewSpill(st, local, pgsql.Unavailable, nil)
	moved, err := sp.Drain(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, moved)
	n, err := st.Count(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = sp.Spilled(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
}
