package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/ui/common"
)

// consoleOutbox adapts the outbox queue and its sender to what the console calls.
type consoleOutbox struct {
	box    *outbox.Queue
	sender *outbox.Sender
	mosia  *health // a send is a real Mosia call: its outcome is Mosia's health too
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
	start := time.Now()
	sent, err := o.sender.SendNow(ctx, it.ID)
	o.observe(time.Since(start), sent, err)
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
	return allToCommon(o.box.Attention(ctx))
}

func (o *consoleOutbox) RetryNow(ctx context.Context, id string) (common.OutboxItem, error) {
	return o.thenSend(ctx, id, o.box.RetryNow(ctx, id))
}

func (o *consoleOutbox) Resubmit(ctx context.Context, id string, occ model.Occurrence) (common.OutboxItem, error) {
	return o.thenSend(ctx, id, o.box.Resubmit(ctx, id, occ))
}

// then reads item id back after a change to it (err: the change's own error, returned as is).
func (o *consoleOutbox) then(ctx context.Context, id string, err error) (common.OutboxItem, error) {
	if err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return toCommon(it), nil
}

// thenSend reads item id back after a change to it and tries it once now.
func (o *consoleOutbox) thenSend(ctx context.Context, id string, err error) (common.OutboxItem, error) {
	if err != nil {
		return common.OutboxItem{}, err
	}
	it, err := o.box.Get(ctx, id)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, it)
}

// observe tells Mosia's health what a send found: an answer (sent, or refused for its content) says it is up; an
// item left pending after the attempt says it is not.
func (o *consoleOutbox) observe(took time.Duration, it outbox.Item, err error) {
	if o.mosia == nil {
		return
	}
	switch {
	case err == nil && (it.State == outbox.Sent || it.State == outbox.NeedsCorrection):
		o.mosia.observe(took, nil)
	case err == nil && it.State == outbox.Pending && it.Attempts > 0:
		o.mosia.observe(took, errors.New(it.LastError))
	}
}

func (o *consoleOutbox) PendingCount(ctx context.Context) (int, error) {
	return o.box.PendingCount(ctx)
}

// Cancel gives an unsent item up for good, recording the attendant.
func (o *consoleOutbox) Cancel(ctx context.Context, id, attendant string) (common.OutboxItem, error) {
	err := o.box.Cancel(ctx, id, attendant)
	if errors.Is(err, outbox.ErrMayHaveReached) {
		return common.OutboxItem{}, fmt.Errorf("%w: %w", common.ErrMayHaveReached, err)
	}
	return o.then(ctx, id, err)
}

// SubmitFollowUp stores an action on a protocol, then tries it once now (like Submit).
func (o *consoleOutbox) SubmitFollowUp(ctx context.Context, attendant string, f model.FollowUp) (common.OutboxItem, error) {
	it, err := o.box.SubmitFollowUp(ctx, attendant, f)
	if err != nil {
		return common.OutboxItem{}, err
	}
	return o.sendNow(ctx, it)
}

// ResubmitFollowUp replaces an unsent follow-up's action, then tries it once now.
func (o *consoleOutbox) ResubmitFollowUp(ctx context.Context, id string, f model.FollowUp) (common.OutboxItem, error) {
	return o.thenSend(ctx, id, o.box.ResubmitFollowUp(ctx, id, f))
}

// ForProtocol lists the unsent follow-ups on a protocol, oldest first.
func (o *consoleOutbox) ForProtocol(ctx context.Context, protocol string) ([]common.OutboxItem, error) {
	return allToCommon(o.box.ForProtocol(ctx, protocol, false))
}

// Discard drops a refused or doubtful follow-up.
func (o *consoleOutbox) Discard(ctx context.Context, id string) (common.OutboxItem, error) {
	return o.then(ctx, id, o.box.Discard(ctx, id, time.Now()))
}

// ResolveFollowUp records a person's decision on a follow-up under review; not applied, it is sent again now.
func (o *consoleOutbox) ResolveFollowUp(ctx context.Context, id string, applied bool) (common.OutboxItem, error) {
	err := o.box.ResolveFollowUp(ctx, id, applied, time.Now())
	if applied {
		return o.then(ctx, id, err)
	}
	return o.thenSend(ctx, id, err)
}

// allToCommon converts a listing (or passes its error on).
func allToCommon(items []outbox.Item, err error) ([]common.OutboxItem, error) {
	if err != nil {
		return nil, err
	}
	out := make([]common.OutboxItem, len(items))
	for i, it := range items {
		out[i] = toCommon(it)
	}
	return out, nil
}

func toCommon(it outbox.Item) common.OutboxItem {
	return common.OutboxItem{ID: it.ID, Kind: common.OutboxKind(it.Kind), Attendant: it.Attendant,
		CreatedAt: it.CreatedAt, Occurrence: it.Occurrence, FollowUp: it.FollowUp, Summary: it.Summary(),
		State: common.OutboxState(it.State), Attempts: it.Attempts, Reason: it.LastError, Protocol: it.Protocol,
		Flag: it.Flag, NextTry: it.NextAttemptAt}
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

func (c *consoleStatus) Upstreams() (common.Health, common.Health) {
	return c.rt.healthTOTVS.get(), c.rt.healthMosia.get()
}

// relayEvents forwards the sender's events to every open console until ctx is done; a sent item tells Mosia's
// health that Mosia answers.
func relayEvents(ctx context.Context, sender *outbox.Sender, box *outbox.Queue, mosia *health, broadcast func(any)) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-sender.Events():
			it, err := box.Get(context.WithoutCancel(ctx), ev.ItemID)
			if err != nil {
				continue
			}
			if it.State == outbox.Sent && mosia != nil {
				mosia.reached()
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
