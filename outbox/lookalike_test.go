package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
)

// lookAlike is an occurrence for the sandbox's i-th beneficiary with the type/subject pair p (0..2) and a note
// that names it: the sandbox is then counted by text.
func (r *rig) lookAlike(i, p int, note string) model.Occurrence {
	pairs := [3][2]int{{128, 173}, {128, 174}, {171, 309}}
	b := r.sb.Dataset().Beneficiary(i)
	who := model.Party{Name: b.Name, ChaveUnica: b.ChaveUnica}
	return model.Occurrence{Function: r.cat.IDFuncionalidade, TypeID: pairs[p][0], SubjectID: pairs[p][1],
		Requester: who, Beneficiary: &who, Note: note}
}

// createdByText counts the sandbox's creations by note, and checks each item holds the protocol of its own text.
func assertEachTextOnce(t *testing.T, r *rig, box *outbox.Queue, items []outbox.Item) {
	t.Helper()
	byText := map[string][]string{}
	for _, c := range r.sb.Created() {
		var body struct {
			Anotacao string `json:"anotacao"`
		}
		require.NoError(t, json.Unmarshal(c.Body, &body))
		byText[body.Anotacao] = append(byText[body.Anotacao], c.Protocol)
	}
	for _, it := range items {
		got, err := box.Get(context.Background(), it.ID)
		require.NoError(t, err)
		protocols := byText[it.Occurrence.Note]
		if assert.Len(t, protocols, 1, "%q created %d times", it.Occurrence.Note, len(protocols)) {
			assert.Equal(t, outbox.Sent, got.State, it.Occurrence.Note)
			assert.Equal(t, protocols[0], got.Protocol, "%q holds the protocol of its own text", it.Occurrence.Note)
			assert.Empty(t, got.Flag)
		}
	}
	assert.Equal(t, len(items), r.sb.CreatedCount(), "occurrences created in the sandbox")
}

// Two look-alike items (one beneficiary, type and subject), the first meeting a 5xx and the second losing its
// answer after Mosia created it. Delivered in parallel, the first's duplicate check used to adopt the second's
// occurrence and the second was then sent twice: one text lost, another duplicated.
func TestLookAlikesUnderScriptedFaultsEachTextOnce(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	r.sb.Script(sandbox.ScriptFail, sandbox.ScriptDropAfterCreate)
	ctx := context.Background()
	a, err := r.box.Submit(ctx, "ana", r.lookAlike(4, 0, "primeira"))
	require.NoError(t, err)
	b, err := r.box.Submit(ctx, "bia", r.lookAlike(4, 0, "segunda"))
	require.NoError(t, err)
	opts := r.testOptions("w")
	opts.MinBackoff, opts.MaxBackoff = 30*time.Millisecond, 60*time.Millisecond
	run(t, r.sender(r.box, opts))
	waitDone(t, r.box)
	assertEachTextOnce(t, r, r.box, []outbox.Item{a, b})
}

// While a look-alike is uncertain, no other is posted; unrelated items are not held back.
func TestLookAlikesOneAtATime(t *testing.T) {
	r := newRig(t, sandbox.Faults{})
	ctx := context.Background()
	now := time.Now()
	a, err := r.box.Submit(ctx, "ana", r.lookAlike(1, 0, "a"))
	require.NoError(t, err)
	b, err := r.box.Submit(ctx, "ana", r.lookAlike(1, 0, "b"))
	require.NoError(t, err)
	other, err := r.box.Submit(ctx, "ana", r.lookAlike(1, 1, "outro assunto"))
	require.NoError(t, err)

	got, ok, err := r.box.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, a.ID, got.ID)
	got, ok, err = r.box.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, other.ID, got.ID, "b waits while a is being sent; another subject does not")
	_, ok, err = r.box.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	assert.False(t, ok)

	_, err = r.box.MarkAttempt(ctx, a.ID, "w", time.Minute, now)
	require.NoError(t, err)
	require.NoError(t, r.box.MarkRetry(ctx, a.ID, "w", "resposta perdida", now.Add(time.Hour), true))
	_, ok, err = r.box.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	assert.False(t, ok, "a is uncertain: b must not be posted")
	_, busy, err := r.box.NextDue(ctx)
	require.NoError(t, err)
	assert.True(t, busy, "a is still due later")

	require.NoError(t, func() error { // a resolved: b may go
		if _, _, err := r.box.ClaimID(ctx, a.ID, "w", time.Minute, now); err != nil {
			return err
		}
		return r.box.MarkSent(ctx, a.ID, "123", now)
	}())
	got, ok, err = r.box.Claim(ctx, "w", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, b.ID, got.ID)
}

// The soak of look-alikes: 20 attendants, items for 10 beneficiaries and 3 type/subject pairs, 20% 5xx and 20%
// answers lost after creation, over many fault seeds; every item's text is created exactly once, counted on the
// sandbox's side by text. BALCAO_SOAK_SEEDS and BALCAO_SOAK_ITEMS (per seed) scale it (make soak).
func TestSoakLookAlikesOverFaultSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	seeds, perSeed := envInt("BALCAO_SOAK_SEEDS", 50), envInt("BALCAO_SOAK_ITEMS", 24)
	var total, created int
	start := time.Now()
	for seed := range seeds {
		t.Run(strconv.Itoa(seed), func(t *testing.T) {
			r := newRigSeeded(t, sandbox.Faults{FailRate: 0.2, DropAfterCreate: 0.2, Scope: sandbox.ScopeMosia}, int64(seed))
			opts := r.testOptions("soak")
			opts.Workers = 4
			s := r.sender(r.box, opts)
			run(t, s)
			items := submitLookAlikes(t, r, s, seed, perSeed)
			waitDone(t, r.box)
			assertEachTextOnce(t, r, r.box, items)
			total += len(items)
			created += r.sb.CreatedCount()
		})
	}
	summary := fmt.Sprintf("look-alike soak: %d seeds, %d items (%d per seed, 20 attendants, 10 beneficiaries, 3 "+
		"type/subject pairs), %d created in Mosia, lost %d, duplicated %d, %s", seeds, total, perSeed, created,
		max(total-created, 0), max(created-total, 0), time.Since(start).Round(time.Millisecond))
	t.Log(summary)
	fmt.Println(summary)
}

// submitLookAlikes has 20 attendants submit n items between them, over 10 beneficiaries and 3 pairs.
func submitLookAlikes(t *testing.T, r *rig, s *outbox.Sender, seed, n int) []outbox.Item {
	var (
		mu    sync.Mutex
		items []outbox.Item
		wg    sync.WaitGroup
	)
	for w := range 20 {
		wg.Go(func() {
			for k := w; k < n; k += 20 {
				occ := r.lookAlike((k*7+seed)%10, (k+seed)%3, fmt.Sprintf("semente %d item %d", seed, k))
				it, err := r.box.Submit(context.Background(), fmt.Sprintf("atendente-%02d", w), occ)
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
	require.Len(t, items, n)
	return items
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
