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
