package outbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
)

// settle bounds how long a test waits for the outbox to drain: a liveness bound, not a speed assertion.
const settle = 90 * time.Second

// rig is a real sandbox on loopback, a real Mosia client and an outbox file.
type rig struct {
	sb    *sandbox.Sandbox
	mosia *mosia.Client
	path  string
	box   *outbox.Queue
	cat   sandbox.Catalogue
}

func newRig(t *testing.T, f sandbox.Faults) *rig { return newRigSeeded(t, f, 11) }

// newRigSeeded is a rig whose sandbox draws its faults from faultSeed.
func newRigSeeded(t *testing.T, f sandbox.Faults, faultSeed int64) *rig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 7, Beneficiaries: 3000, Faults: f, FaultSeed: faultSeed})
	require.NoError(t, sb.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = sb.Close() })
	r := &rig{sb: sb, path: filepath.Join(t.TempDir(), "outbox.db"), cat: sb.Catalogue()}
	r.mosia = newMosia(sb.MosiaURL(), sandbox.DefaultMosiaToken)
	t.Cleanup(func() { _ = r.mosia.Close() })
	r.box = r.open(t)
	return r
}

func newMosia(url, token string) *mosia.Client {
	return mosia.New(mosia.Options{BaseURL: url, Token: token, Timeout: 2 * time.Second, Retries: 1,
		RetryWait: 5 * time.Millisecond, RetryMaxWait: 20 * time.Millisecond})
}

func (r *rig) open(t *testing.T) *outbox.Queue {
	t.Helper()
	box, err := outbox.Open(r.path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = box.Close() })
	return box
}

// subjectName resolves subjects from a sandbox catalogue, as the console does from its configuration.
func subjectName(cat sandbox.Catalogue) func(int, int) string {
	return func(typ, subj int) string {
		for _, ty := range cat.Types {
			if ty.ID != typ {
				continue
			}
			for _, s := range ty.Subjects {
				if s.ID == subj {
					return s.Name
				}
			}
		}
		return ""
	}
}

// testOptions are small backoffs and leases so tests settle quickly.
func (r *rig) testOptions(owner string) outbox.Options {
	return outbox.Options{Owner: owner, MinBackoff: 5 * time.Millisecond, MaxBackoff: 80 * time.Millisecond,
		MaxAttempts: 50, Lease: 3 * time.Second, PollInterval: 50 * time.Millisecond,
		SubjectName: subjectName(r.cat)}
}

func (r *rig) sender(box *outbox.Queue, opts outbox.Options) *outbox.Sender {
	return outbox.NewSender(box, r.mosia, opts)
}

// run starts s.Run until the test ends.
func run(t *testing.T, s *outbox.Sender) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// request builds a valid occurrence for the sandbox's i-th beneficiary.
func (r *rig) request(i int) model.Occurrence {
	b := r.sb.Dataset().Beneficiary(i)
	who := model.Party{Name: b.Name, ChaveUnica: b.ChaveUnica}
	ben := who
	contract := ""
	if len(b.Contracts) > 0 {
		contract = b.Contracts[0].Number
	}
	return model.Occurrence{Function: r.cat.IDFuncionalidade, TypeID: 128, SubjectID: 174,
		Requester: who, Beneficiary: &ben, Contract: contract, Note: fmt.Sprintf("ocorrência de teste %d", i)}
}

func (r *rig) submit(t *testing.T, box *outbox.Queue, from, n int) []outbox.Item {
	t.Helper()
	var items []outbox.Item
	for i := from; i < from+n; i++ {
		it, err := box.Submit(context.Background(), "ana", r.request(i))
		require.NoError(t, err)
		items = append(items, it)
	}
	return items
}

// waitDone waits until no item is pending or being sent (a cheap indexed query: polling must not load the file).
func waitDone(t *testing.T, box *outbox.Queue) {
	t.Helper()
	deadline := time.Now().Add(settle)
	for {
		_, busy, err := box.NextDue(context.Background())
		require.NoError(t, err)
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			left, err := box.List(context.Background(), outbox.Pending)
			require.NoError(t, err)
			require.Failf(t, "outbox did not drain", "%d items left, first: %+v", len(left), left[0])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertExactlyOnce checks, on the SANDBOX's side, that every item was created exactly once, under its protocol.
func assertExactlyOnce(t *testing.T, r *rig, box *outbox.Queue, items []outbox.Item) {
	t.Helper()
	byKey := map[string][]sandbox.CreatedOccurrence{}
	for _, c := range r.sb.Created() {
		byKey[c.ChaveUnica] = append(byKey[c.ChaveUnica], c)
	}
	for _, it := range items {
		got, err := box.Get(context.Background(), it.ID)
		require.NoError(t, err)
		created := byKey[it.ChaveUnica()]
		if assert.Len(t, created, 1, "item %s (%s) created %d times", it.ID, model.MaskCPF(it.ChaveUnica()), len(created)) {
			assert.Equal(t, outbox.Sent, got.State, it.ID)
			assert.Equal(t, created[0].Protocol, got.Protocol, it.ID)
		}
	}
	assert.Equal(t, len(items), r.sb.CreatedCount(), "occurrences created in the sandbox")
}

// recorder keeps a sender's events. An event is emitted just after the state is stored, so a test that saw the
// outbox drain waits for the events too (waitSent).
type recorder struct {
	mu  sync.Mutex
	evs []outbox.Event
}

func collect(s *outbox.Sender) *recorder {
	r := &recorder{}
	go func() {
		for e := range s.Events() {
			r.mu.Lock()
			r.evs = append(r.evs, e)
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *recorder) all() []outbox.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]outbox.Event(nil), r.evs...)
}

// waitSent waits until the recorders together hold Sent events for n distinct items.
func waitSent(t *testing.T, n int, recs ...*recorder) {
	t.Helper()
	require.Eventually(t, func() bool {
		ids := map[string]bool{}
		for _, r := range recs {
			for _, e := range r.all() {
				if e.Kind == outbox.EventSent {
					ids[e.ItemID] = true
				}
			}
		}
		return len(ids) >= n
	}, settle, 5*time.Millisecond)
}

func TestSendNowSendsAndReports(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	s := r.sender(r.box, r.testOptions("console"))
	it := r.submit(t, r.box, 0, 1)[0]

	got, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assert.NotEmpty(t, got.Protocol)
	assert.Equal(t, 1, got.Attempts)
	assert.False(t, got.FirstAttemptAt.IsZero())
	select {
	case e := <-s.Events():
		assert.Equal(t, outbox.Event{ItemID: it.ID, Kind: outbox.EventSent, Protocol: got.Protocol, Attempts: 1}, e)
	default:
		t.Fatal("no event")
	}

	// Sending again is a no-op: the sent item is returned unchanged.
	again, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Protocol, again.Protocol)
	assertExactlyOnce(t, r, r.box, []outbox.Item{it})

	// Mosia lists it for the beneficiary.
	ps, err := r.mosia.LatestProtocols(context.Background(), it.ChaveUnica(), 1)
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	assert.Equal(t, got.Protocol, ps[0].Number)
}

func TestMosiaDownThenUp(t *testing.T) {
	r := newRig(t, sandbox.Faults{Down: true})
	items := r.submit(t, r.box, 0, 5)
	s := r.sender(r.box, r.testOptions("w"))
	events := collect(s)
	run(t, s)

	// Wait until every item failed at least twice while Mosia is down.
	require.Eventually(t, func() bool {
		left, err := r.box.List(context.Background(), outbox.Pending)
		require.NoError(t, err)
		failed := 0
		for _, it := range left {
			if it.Attempts >= 2 && it.LastError != "" {
				failed++
			}
		}
		return failed == len(items)
	}, settle, 10*time.Millisecond)
	n, err := r.box.PendingCount(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Zero(t, r.sb.CreatedCount())
	it, err := r.box.Get(context.Background(), items[0].ID)
	require.NoError(t, err)
	assert.Contains(t, it.LastError, "reenviada automaticamente")
	assert.False(t, it.Uncertain, "a refused connection never reached Mosia")

	r.sb.SetFaults(sandbox.Faults{})
	s.Kick()
	waitDone(t, r.box)
	assertExactlyOnce(t, r, r.box, items)
	waitSent(t, len(items), events)
	var sent int
	for _, e := range events.all() {
		if e.Kind == outbox.EventSent {
			sent++
		}
	}
	assert.Equal(t, 5, sent)
}

func TestFlakyMosiaNoDuplicates(t *testing.T) {
	tests := []struct {
		name   string
		faults sandbox.Faults
		dedup  bool // expect the duplicate check to have found some occurrences
	}{
		{"30% 5xx", sandbox.Faults{FailRate: 0.3, Scope: sandbox.ScopeMosia}, false},
		{"answer dropped after create", sandbox.Faults{DropAfterCreate: 0.5, Scope: sandbox.ScopeMosia}, true},
		{"connections dropped", sandbox.Faults{DropRate: 0.3, Scope: sandbox.ScopeMosia}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.faults)
			items := r.submit(t, r.box, 0, 40)
			s := r.sender(r.box, r.testOptions("w"))
			events := collect(s)
			run(t, s)
			waitDone(t, r.box)
			assertExactlyOnce(t, r, r.box, items)
			waitSent(t, len(items), events)
			var retries, found int
			for _, e := range events.all() {
				switch {
				case e.Kind == outbox.EventRetrying:
					retries++
				case e.Kind == outbox.EventSent && e.Deduplicated:
					found++
				}
			}
			t.Logf("%s: 40 sent once; %d retries, %d found by the duplicate check", tc.name, retries, found)
			if tc.dedup {
				assert.Positive(t, found, "the lost answers were recovered from ultimosProtocolos")
			} else {
				assert.Positive(t, retries, "faults were injected")
			}
		})
	}
}

func TestAuthFailureKeepsPending(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	bad := newMosia(r.sb.MosiaURL(), "token-errado")
	defer bad.Close()
	s := outbox.NewSender(r.box, bad, r.testOptions("w"))
	it := r.submit(t, r.box, 0, 1)[0]
	got, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Pending, got.State, "a credential problem is not the item's fault")
	assert.Contains(t, got.LastError, "token")
	assert.False(t, got.Uncertain)
	assert.GreaterOrEqual(t, got.NextAttemptAt.Sub(got.LastAttemptAt), 40*time.Millisecond,
		"waits at least half of MaxBackoff (80 ms in tests)")
	assert.Zero(t, r.sb.CreatedCount())

	// The token is fixed: the same item goes through, once.
	good := r.sender(r.box, r.testOptions("w2"))
	got, err = good.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assertExactlyOnce(t, r, r.box, []outbox.Item{it})
}

// Two senders on two handles of one file (two processes, in effect) never send the same item.
func TestTwoSendersShareTheFile(t *testing.T) {
	r := newRig(t, sandbox.Faults{FailRate: 0.1, DropAfterCreate: 0.1, Scope: sandbox.ScopeMosia})
	items := r.submit(t, r.box, 0, 120)
	a, b := r.open(t), r.open(t)
	oa, ob := r.testOptions("console"), r.testOptions("serve")
	oa.Workers, ob.Workers = 2, 2
	sa, sb := r.sender(a, oa), r.sender(b, ob)
	evA, evB := collect(sa), collect(sb)
	run(t, sa)
	run(t, sb)
	waitDone(t, r.box)
	assertExactlyOnce(t, r, r.box, items)
	waitSent(t, len(items), evA, evB)
	sentBy := map[string]int{}
	var na, nb int
	for _, e := range evA.all() {
		if e.Kind == outbox.EventSent {
			sentBy[e.ItemID]++
			na++
		}
	}
	for _, e := range evB.all() {
		if e.Kind == outbox.EventSent {
			sentBy[e.ItemID]++
			nb++
		}
	}
	assert.Len(t, sentBy, len(items))
	for id, n := range sentBy {
		assert.Equal(t, 1, n, id)
	}
	t.Logf("console sent %d, serve sent %d", na, nb)
	assert.Positive(t, na)
	assert.Positive(t, nb)
}

func TestRefusedNeedsCorrection(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	s := r.sender(r.box, r.testOptions("w"))
	run(t, s)
	req := r.request(0)
	req.TypeID = 999 // not in Mosia's catalogue
	it, err := r.box.Submit(context.Background(), "ana", req)
	require.NoError(t, err)
	s.Kick()
	require.Eventually(t, func() bool {
		got, err := r.box.Get(context.Background(), it.ID)
		require.NoError(t, err)
		return got.State == outbox.NeedsCorrection
	}, settle, 10*time.Millisecond)
	got, err := r.box.Get(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Contains(t, got.LastError, "999", "carries Mosia's message")
	assert.Contains(t, got.LastError, "Corrija")
	assert.Equal(t, 1, got.Attempts)
	assert.False(t, got.Uncertain)
	n, err := r.box.PendingCount(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	// Not retried on its own.
	posts := func() int64 {
		return r.sb.Requests("/clientes/ocorrencias") - r.sb.Requests("/clientes/ocorrencias/")
	}
	before := posts()
	time.Sleep(300 * time.Millisecond) // several poll intervals and backoffs
	assert.Equal(t, before, posts(), "a refused item is not resent until corrected")

	// The attendant corrects it: sent once.
	require.NoError(t, r.box.Resubmit(context.Background(), it.ID, r.request(0)))
	s.Kick()
	waitDone(t, r.box)
	assertExactlyOnce(t, r, r.box, []outbox.Item{it})
}

// Run returns when its context ends, but finishes the send in flight: the item is stored as sent, not left behind.
func TestShutdownFinishesTheSendInFlight(t *testing.T) {
	r := newRig(t, sandbox.Faults{Latency: 400 * time.Millisecond, Scope: sandbox.ScopeMosiaPost})
	it := r.submit(t, r.box, 0, 1)[0]
	s := r.sender(r.box, r.testOptions("w"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	require.Eventually(t, func() bool { // the attempt is recorded: the POST is on its way
		got, err := r.box.Get(context.Background(), it.ID)
		require.NoError(t, err)
		return got.Attempts == 1
	}, settle, time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	got, err := r.box.Get(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assertExactlyOnce(t, r, r.box, []outbox.Item{it})
}

// Mosia's create answer may not carry the protocol (its shape is unpublished): the client finds it through
// ultimosProtocolos and nothing is resent.
func TestAnswerWithoutProtocol(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	r.sb.SetCreateShape(sandbox.ShapeNone)
	items := r.submit(t, r.box, 0, 5)
	run(t, r.sender(r.box, r.testOptions("w")))
	waitDone(t, r.box)
	assertExactlyOnce(t, r, r.box, items)
}

// A long outage marks items stalled (reason and event) without ever giving up on them.
func TestLongOutageIsReportedNotAbandoned(t *testing.T) {
	r := newRig(t, sandbox.Faults{Down: true})
	it := r.submit(t, r.box, 0, 1)[0]
	opts := r.testOptions("w")
	opts.MaxAttempts = 3
	s := r.sender(r.box, opts)
	var stalled outbox.Event
	for stalled.ItemID == "" {
		got, err := s.SendNow(context.Background(), it.ID)
		require.NoError(t, err)
		require.Equal(t, outbox.Pending, got.State)
		e := <-s.Events()
		require.Equal(t, outbox.EventRetrying, e.Kind)
		if e.Stalled {
			stalled = e
		}
		require.LessOrEqual(t, got.Attempts, 3)
	}
	assert.Equal(t, 3, stalled.Attempts)
	assert.Contains(t, stalled.Reason, "avise o suporte")
	r.sb.SetFaults(sandbox.Faults{})
	got, err := s.SendNow(context.Background(), it.ID)
	require.NoError(t, err)
	assert.Equal(t, outbox.Sent, got.State)
	assertExactlyOnce(t, r, r.box, []outbox.Item{it})
}
