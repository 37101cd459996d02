package outbox

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func outboxTestReq(chave string) model.Occurrence {
	return model.Occurrence{
		Function: 9298, TypeID: 469, SubjectID: 309,
		Requester:   model.Party{Name: "Maria Souza", ChaveUnica: chave, Phone: "48984137055"},
		Beneficiary: &model.Party{Name: "Maria Souza", ChaveUnica: chave},
		Contract:    "00000000001",
		Note:        "Pedido de 2ª via — ação",
		Forms: []model.FormAnswers{{FormID: "64dcd2b1342146345191ee00",
			Fields: []model.FormAnswer{{Key: "tipo", Label: "Sugestão", Value: "2", Choice: true}}}},
	}
}

func outboxOpenTest(t *testing.T, path string) *Queue {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "outbox.db")
	}
	o, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = o.Close() })
	return o
}

func TestOutboxSubmitSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path)
	require.NoError(t, err)
	req := outboxTestReq("13331584754")
	it, err := o.Submit(ctx, "ana", req)
	require.NoError(t, err)
	require.Len(t, it.ID, 26)
	require.NoError(t, o.Close())

	o2 := outboxOpenTest(t, path)
	got, err := o2.Get(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, "ana", got.Attendant)
	assert.Equal(t, Pending, got.State)
	assert.Equal(t, req, got.Occurrence, "the occurrence comes back as it went in")
	assert.WithinDuration(t, it.CreatedAt, got.CreatedAt, time.Microsecond)
	assert.True(t, got.FirstAttemptAt.IsZero())
	assert.Equal(t, "13331584754", got.ChaveUnica())

	_, err = o2.Get(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestOutboxIDsSortByCreation(t *testing.T) {
	base := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	var ids []string
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		id := NewID(base.Add(time.Duration(i) * time.Millisecond))
		require.Len(t, id, 26)
		require.False(t, seen[id])
		seen[id] = true
		ids = append(ids, id)
	}
	assert.True(t, sort.StringsAreSorted(ids))
}

func TestOutboxClaimOnlyDue(t *testing.T) {
	ctx := context.Background()
	o := outboxOpenTest(t, "")
	now := time.Now()
	a, err := o.Submit(ctx, "ana", outboxTestReq("1"))
	require.NoError(t, err)

	got, ok, err := o.Claim(ctx, "w1", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, a.ID, got.ID)
	assert.Equal(t, Sending, got.State)
	assert.Equal(t, "w1", got.LeaseOwner)

	// Leased: nobody else gets it until the lease expires.
	_, ok, err = o.Claim(ctx, "w2", time.Minute, now)
	require.NoError(t, err)
	assert.False(t, ok)

	// Back to pending, due later: not claimable now, claimable then.
	next := now.Add(10 * time.Second)
	require.NoError(t, o.MarkRetry(ctx, a.ID, "w1", "motivo", next, false))
	_, ok, err = o.Claim(ctx, "w2", time.Minute, now)
	require.NoError(t, err)
	assert.False(t, ok)
	got, ok, err = o.Claim(ctx, "w2", time.Minute, next)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "motivo", got.LastError)

	// w2 "crashes": after its lease expires, w3 takes over; w2 can no longer write.
	got, ok, err = o.Claim(ctx, "w3", time.Minute, next.Add(2*time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "w3", got.LeaseOwner)
	assert.ErrorIs(t, o.MarkRetry(ctx, a.ID, "w2", "x", next, false), ErrLeaseLost)
	_, err = o.MarkAttempt(ctx, a.ID, "w2", time.Minute, next)
	assert.ErrorIs(t, err, ErrLeaseLost)
}

func TestOutboxAttemptAndSent(t *testing.T) {
	ctx := context.Background()
	o := outboxOpenTest(t, "")
	a, err := o.Submit(ctx, "ana", outboxTestReq("1"))
	require.NoError(t, err)
	b, err := o.Submit(ctx, "ana", outboxTestReq("2"))
	require.NoError(t, err)

	t0 := time.Now()
	_, ok, err := o.ClaimID(ctx, a.ID, "w1", time.Minute, t0)
	require.NoError(t, err)
	require.True(t, ok)
	it, err := o.MarkAttempt(ctx, a.ID, "w1", time.Minute, t0)
	require.NoError(t, err)
	assert.Equal(t, 1, it.Attempts)
	assert.True(t, it.Uncertain)
	assert.Equal(t, t0.UnixNano(), it.FirstAttemptAt.UnixNano())
	require.NoError(t, o.MarkRetry(ctx, a.ID, "w1", "fora do ar", t0, true))

	t1 := t0.Add(time.Second)
	_, ok, err = o.ClaimID(ctx, a.ID, "w1", time.Minute, t1)
	require.NoError(t, err)
	require.True(t, ok)
	it, err = o.MarkAttempt(ctx, a.ID, "w1", time.Minute, t1)
	require.NoError(t, err)
	assert.Equal(t, 2, it.Attempts)
	assert.Equal(t, t0.UnixNano(), it.FirstAttemptAt.UnixNano(), "first attempt time is kept")
	assert.Equal(t, t1.UnixNano(), it.LastAttemptAt.UnixNano())

	require.NoError(t, o.MarkSent(ctx, a.ID, "1111120240710000017", t1))
	assert.ErrorIs(t, o.MarkSent(ctx, a.ID, "1111120240710000017", t1), ErrAlreadySent)
	assert.ErrorIs(t, o.MarkSent(ctx, a.ID, "999", t1), ErrAlreadySent)

	it, err = o.Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, Sent, it.State)
	assert.Equal(t, "1111120240710000017", it.Protocol)
	assert.False(t, it.Uncertain)
	assert.Empty(t, it.LeaseOwner)
	assert.Empty(t, it.Flag)
	holders, err := o.ProtocolHolders(ctx, "1111120240710000017")
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID}, holders)
	n, err := o.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	// Mosia answering b with a's protocol: b is recorded as sent anyway (an answer with a protocol is a creation:
	// never resent), and both are flagged for a person.
	assert.ErrorIs(t, o.MarkSent(ctx, b.ID, "1111120240710000017", t1), ErrProtocolTaken)
	for _, id := range []string{a.ID, b.ID} {
		it, err := o.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, Sent, it.State, id)
		assert.Equal(t, "1111120240710000017", it.Protocol, id)
		assert.Contains(t, it.Flag, "1111120240710000017", id)
	}
	n, err = o.PendingCount(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	att, err := o.Attention(ctx)
	require.NoError(t, err)
	assert.Len(t, att, 2, "flagged items are shown to a person")
	require.NoError(t, o.Acknowledge(ctx, a.ID))
	att, err = o.Attention(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID}, outboxIDs(att))
}

func TestOutboxEditRules(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(o *Queue, id string)
		want    error
		state   State
	}{
		{"pending", func(o *Queue, id string) {}, nil, Pending},
		{"needs correction", func(o *Queue, id string) {
			_, _, _ = o.ClaimID(ctx, id, "w", time.Minute, time.Now())
			require.NoError(t, o.MarkNeedsCorrection(ctx, id, "w", "campo inválido", false))
		}, nil, Pending},
		{"being sent", func(o *Queue, id string) {
			_, _, _ = o.ClaimID(ctx, id, "w", time.Minute, time.Now())
		}, ErrLeased, Sending},
		{"sent", func(o *Queue, id string) {
			require.NoError(t, o.MarkSent(ctx, id, "42", time.Now()))
		}, ErrAlreadySent, Sent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, op := range []string{"resubmit", "retry"} {
				o := outboxOpenTest(t, "")
				it, err := o.Submit(ctx, "ana", outboxTestReq("1"))
				require.NoError(t, err)
				tc.prepare(o, it.ID)
				fixed := outboxTestReq("1")
				fixed.Note = "corrigida"
				if op == "resubmit" {
					err = o.Resubmit(ctx, it.ID, fixed)
				} else {
					err = o.RetryNow(ctx, it.ID)
				}
				if tc.want != nil {
					assert.ErrorIs(t, err, tc.want, op)
				} else {
					assert.NoError(t, err, op)
				}
				got, err := o.Get(ctx, it.ID)
				require.NoError(t, err)
				assert.Equal(t, tc.state, got.State, op)
				if op == "resubmit" && tc.want == nil {
					assert.Equal(t, "corrigida", got.Occurrence.Note)
					assert.Empty(t, got.LastError)
				}
			}
		})
	}
}

func TestOutboxListAndCount(t *testing.T) {
	ctx := context.Background()
	o := outboxOpenTest(t, "")
	var ids []string
	for i := 0; i < 4; i++ {
		it, err := o.Submit(ctx, "ana", outboxTestReq(fmt.Sprint(i)))
		require.NoError(t, err)
		ids = append(ids, it.ID)
	}
	now := time.Now()
	_, _, err := o.ClaimID(ctx, ids[1], "w", time.Minute, now)
	require.NoError(t, err)
	_, _, err = o.ClaimID(ctx, ids[2], "w", time.Minute, now)
	require.NoError(t, err)
	require.NoError(t, o.MarkNeedsCorrection(ctx, ids[2], "w", "inválida", false))
	require.NoError(t, o.MarkSent(ctx, ids[3], "p3", now))

	pending, err := o.List(ctx, Pending)
	require.NoError(t, err)
	assert.Equal(t, []string{ids[0], ids[1]}, outboxIDs(pending), "pending includes the one being sent")
	fix, err := o.List(ctx, NeedsCorrection)
	require.NoError(t, err)
	assert.Equal(t, []string{ids[2]}, outboxIDs(fix))
	assert.Equal(t, "inválida", fix[0].LastError)
	all, err := o.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, ids, outboxIDs(all))
	n, err := o.PendingCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

// Many workers on separate handles of one file claim concurrently: every item is claimed by exactly one.
func TestOutboxClaimExclusiveAcrossHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "outbox.db")
	seed := outboxOpenTest(t, path)
	const items = 120
	for i := 0; i < items; i++ {
		_, err := seed.Submit(ctx, "ana", outboxTestReq(fmt.Sprint(i)))
		require.NoError(t, err)
	}
	const workers = 6
	var mu sync.Mutex
	claims := map[string][]string{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		o := outboxOpenTest(t, path)
		owner := fmt.Sprintf("w%d", w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				it, ok, err := o.Claim(ctx, owner, time.Hour, time.Now())
				if !assert.NoError(t, err) || !ok {
					return
				}
				mu.Lock()
				claims[it.ID] = append(claims[it.ID], owner)
				mu.Unlock()
				assert.NoError(t, o.MarkSent(ctx, it.ID, "p-"+it.ID, time.Now()))
			}
		}()
	}
	wg.Wait()
	require.Len(t, claims, items)
	for id, owners := range claims {
		assert.Len(t, owners, 1, id)
	}
	n, err := seed.PendingCount(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func outboxIDs(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// BenchmarkOutboxSubmit measures durable submits (WAL, synchronous=FULL: one fsync per commit).
func BenchmarkOutboxSubmit(b *testing.B) {
	o, err := Open(filepath.Join(b.TempDir(), "outbox.db"))
	require.NoError(b, err)
	defer o.Close()
	req := outboxTestReq("13331584754")
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := o.Submit(ctx, "ana", req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
}
