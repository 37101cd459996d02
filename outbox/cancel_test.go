package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An attendant cancels an unsent item: it leaves the pending count and is never claimed; a sent one is refused.
func TestCancelGivesUpAnUnsentItem(t *testing.T) {
	ctx := context.Background()
	o := outboxOpenTest(t, "")
	it, err := o.Submit(ctx, "ana", outboxTestReq("13331584754"))
	require.NoError(t, err)
	require.NoError(t, o.Cancel(ctx, it.ID, "maria"))
	got, err := o.Get(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, Cancelled, got.State)
	assert.Contains(t, got.LastError, "maria", "who cancelled it is recorded")
	n, err := o.PendingCount(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	_, ok, err := o.Claim(ctx, "w", time.Minute, time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "a cancelled item is never sent")

	sent, err := o.Submit(ctx, "ana", outboxTestReq("23576483098"))
	require.NoError(t, err)
	require.NoError(t, o.MarkSent(ctx, sent.ID, "1111120240710000099", time.Now()))
	assert.ErrorIs(t, o.Cancel(ctx, sent.ID, "maria"), ErrAlreadySent)
}

// An item whose earlier attempt may have reached Mosia cannot be cancelled: only the duplicate check can tell, and
// a cancelled copy would leave an occurrence in Mosia the attendant believes given up. A cancelled item is purged
// after the retention like a sent one, and never holds back a look-alike.
func TestCancelRefusesAnUncertainItemAndIsPurged(t *testing.T) {
	ctx := context.Background()
	o := outboxOpenTest(t, "")
	it, err := o.Submit(ctx, "ana", outboxTestReq("13331584754"))
	require.NoError(t, err)
	now := time.Now()
	got, ok, err := o.ClaimID(ctx, it.ID, "w", time.Minute, now)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = o.MarkAttempt(ctx, got.ID, "w", time.Minute, now)
	require.NoError(t, err)
	require.NoError(t, o.MarkRetry(ctx, got.ID, "w", "tempo esgotado", now.Add(time.Hour), true))
	assert.ErrorIs(t, o.Cancel(ctx, it.ID, "maria"), ErrMayHaveReached)

	other, err := o.Submit(ctx, "ana", outboxTestReq("23576483098"))
	require.NoError(t, err)
	twin, err := o.Submit(ctx, "ana", outboxTestReq("23576483098")) // a look-alike of other
	require.NoError(t, err)
	require.NoError(t, o.Cancel(ctx, other.ID, "maria"))
	claimed, ok, err := o.ClaimID(ctx, twin.ID, "w", time.Minute, now)
	require.NoError(t, err)
	assert.True(t, ok, "a cancelled look-alike does not hold the next one back")
	assert.Equal(t, twin.ID, claimed.ID)

	n, err := o.Purge(ctx, -time.Second) // everything settled is past its retention
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the cancelled item's text is dropped")
	gone, err := o.Get(ctx, other.ID)
	require.NoError(t, err)
	assert.True(t, gone.Purged)
	assert.Empty(t, gone.Occurrence.Note)
}
