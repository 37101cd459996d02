package main

import (
	"context"
	"strings"
	"sync"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/ui/common"
)

// consoleOutbox adapts the outbox queue and its sender to what the console calls.
type consoleOutbox struct {
	box    *outbox.Queue
	sender *outbox.Sender
}

var _ common.Outbox = (*consoleOutbox)(nil)

func (o *consoleOutbox) Submit(ctx context.Context, attendant string, occ model.Occurrence) (common.OutboxItem, error) {
	it, err := o.box.Submit(ctx, attendant, occ)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, it)
}

func (o *consoleOutbox) sendNow(ctx context.Context, it outbox.Item) (common.OutboxItem, error) {
	sent, err := o.sender.SendNow(ctx, it.ID)
	if err != nil { // stored, not sent now: the background sender carries on
		o.sender.Kick()
		if got, gerr := o.box.Get(context.WithoutCancel(ctx), it.ID); gerr == nil {
			return toCommon(got), nil
		}
		return toCommon(it), nil
	}
	return toCommon(sent), nil
}

func (o *consoleOutbox) List(ctx context.Context) ([]common.OutboxItem, error) {
	items, err := o.box.Attention(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]common.OutboxItem, len(items))
	for i, it := range items {
		out[i] = toCommon(it)
	}
	return out, nil
}

func (o *consoleOutbox) RetryNow(ctx context.Context, id string) (common.OutboxItem, error) {
	if err := o.box.RetryNow(ctx, id); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, it)
}

func (o *consoleOutbox) Resubmit(ctx context.Context, id string, occ model.Occurrence) (common.OutboxItem, error) {
	if err := o.box.Resubmit(ctx, id, occ); err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, it)
}

func (o *consoleOutbox) PendingCount(ctx context.Context) (int, error) {
	return o.box.PendingCount(ctx)
}

func toCommon(it outbox.Item) common.OutboxItem {
	return common.OutboxItem{ID: it.ID, Attendant: it.Attendant, CreatedAt: it.CreatedAt, Occurrence: it.Occurrence,
		State: common.OutboxState(it.State), Attempts: it.Attempts, Reason: it.LastError, Protocol: it.Protocol, Flag: it.Flag,
		NextTry: it.NextAttemptAt}
}

// serverStatus is the state of the background busca server, for the status bar.
type serverStatus struct {
	mu       sync.Mutex
	addr     string
	err      string
	requests func() int64
}

func (s *serverStatus) set(addr string, requests func() int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr, s.requests = addr, requests
}

func (s *serverStatus) fail(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = reason
}

// consoleStatus answers the status bar.
type consoleStatus struct {
	rt     *runtime
	server *serverStatus
}

var _ common.Status = (*consoleStatus)(nil)

func (c *consoleStatus) ServerAddr() string {
	c.server.mu.Lock()
	defer c.server.mu.Unlock()
	return c.server.addr
}

func (c *consoleStatus) ServerError() string {
	c.server.mu.Lock()
	defer c.server.mu.Unlock()
	return c.server.err
}

func (c *consoleStatus) ServerRequests() int64 {
	c.server.mu.Lock()
	f := c.server.requests
	c.server.mu.Unlock()
	if f == nil {
		return 0
	}
	return f()
}

func (c *consoleStatus) UpstreamHealthy() (bool, bool) {
	return c.rt.healthTOTVS.Load(), c.rt.healthMosia.Load()
}

// relayEvents forwards the sender's events to every open console until ctx is done.
func relayEvents(ctx context.Context, sender *outbox.Sender, box *outbox.Queue, broadcast func(any)) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-sender.Events():
			it, err := box.Get(context.WithoutCancel(ctx), ev.ItemID)
			if err != nil {
				continue
			}
			broadcast(common.OutboxEventMsg{Item: toCommon(it)})
		}
	}
}

// consoleAccesses writes the console's beneficiary openings into the access record.
type consoleAccesses struct{ log *audit.Log }

// Opened records that an attendant opened a person's data and which tabs loaded.
func (a consoleAccesses) Opened(ctx context.Context, x common.Access) error {
	return a.log.Record(ctx, audit.Entry{Who: x.Attendant, Key: x.Key, Kind: audit.KindBeneficiary,
		Chaves: []string{x.Chave}, What: strings.Join(x.Tabs, ",")})
}
