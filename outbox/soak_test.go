package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
)

// 1,000 occurrences from 20 concurrent submitters under 20% injected faults: every one reaches Mosia exactly once.
// Under the race detector (make test) it sends 300, which still exercises every path; make soak sends the 1,000.
func TestSoakThousandUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	const submitters = 20
	each := 50
	if raceBuild {
		each = 15
	}
	faults := sandbox.Faults{FailRate: 0.08, DropRate: 0.06, DropAfterCreate: 0.06, Scope: sandbox.ScopeMosia}
	r := newRig(t, faults)
	opts := r.testOptions("soak")
	opts.Workers = 4
	s := r.sender(r.box, opts)
	events := collect(s)
	start := time.Now()
	run(t, s)

	var mu sync.Mutex
	var items []outbox.Item
	var wg sync.WaitGroup
	for w := range submitters {
		box := r.box // 20 attendants of one process (balcao ssh) share its outbox handle
		wg.Go(func() {
			for k := range each {
				it, err := box.Submit(context.Background(), fmt.Sprintf("atendente-%02d", w), r.request(w*each+k))
				if !assert.NoError(t, err) {
					return
				}
				s.Kick()
				mu.Lock()
				items = append(items, it)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	submitted := time.Since(start)
	require.Len(t, items, submitters*each)
	waitDone(t, r.box)
	elapsed := time.Since(start)
	assertExactlyOnce(t, r, r.box, items)
	waitSent(t, len(items), events)

	var retries, dedup, sent int
	for _, e := range events.all() {
		switch {
		case e.Kind == outbox.EventRetrying:
			retries++
		case e.Kind == outbox.EventSent:
			sent++
			if e.Deduplicated {
				dedup++
			}
		}
	}
	posts := r.sb.Requests("/clientes/ocorrencias") - r.sb.Requests("/clientes/ocorrencias/")
	summary := fmt.Sprintf("outbox soak: %d submitted by %d submitters, %d created in Mosia (exactly once each), "+
		"%d POSTs, %d retries, %d recovered by the duplicate check, %s elapsed (all submitted after %s)",
		len(items), submitters, r.sb.CreatedCount(), posts, retries, dedup, elapsed.Round(time.Millisecond),
		submitted.Round(time.Millisecond))
	t.Log(summary)
	fmt.Println(summary)
	assert.Positive(t, retries, "faults were injected")
	assert.Positive(t, dedup, "some answers were lost after create and recovered")
}

// BenchmarkSenderThroughput measures end-to-end delivery (durable claim, attempt and result records, real HTTP to the
// sandbox) of b.N submitted occurrences with four workers.
func BenchmarkSenderThroughput(b *testing.B) {
	sb := sandbox.New(sandbox.Options{Seed: 7, Beneficiaries: max(b.N, 10)})
	require.NoError(b, sb.Start("127.0.0.1:0"))
	defer sb.Close()
	m := newMosia(sb.MosiaURL(), sandbox.DefaultMosiaToken)
	defer m.Close()
	box, err := outbox.Open(b.TempDir() + "/outbox.db")
	require.NoError(b, err)
	defer box.Close()
	r := &rig{sb: sb, cat: sb.Catalogue()}
	for i := range b.N {
		_, err := box.Submit(context.Background(), "ana", r.request(i))
		require.NoError(b, err)
	}
	opts := r.testOptions("bench")
	opts.Workers = 4
	s := outbox.NewSender(box, m, opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	go func() { _ = s.Run(ctx) }()
	for {
		if _, busy, err := box.NextDue(ctx); err == nil && !busy {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	require.Equal(b, b.N, sb.CreatedCount())
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sent/s")
}
