package sshserver

import (
	"context"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// trackedOutbox counts the calls that send an occurrence, so a shutdown waits for them.
type trackedOutbox struct {
	common.Outbox
	flights *inflight
}

func (t *trackedOutbox) Submit(ctx context.Context, attendant string, occ model.Occurrence) (common.OutboxItem, error) {
	t.flights.begin()
	defer t.flights.end()
	return t.Outbox.Submit(ctx, attendant, occ)
}

func (t *trackedOutbox) RetryNow(ctx context.Context, id string) (common.OutboxItem, error) {
	t.flights.begin()
	defer t.flights.end()
	return t.Outbox.RetryNow(ctx, id)
}

func (t *trackedOutbox) Resubmit(ctx context.Context, id string, occ model.Occurrence) (common.OutboxItem, error) {
	t.flights.begin()
	defer t.flights.end()
	return t.Outbox.Resubmit(ctx, id, occ)
}
