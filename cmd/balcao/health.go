package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// slowAfter is how long an answer may take before the status bar calls its upstream "lento" (it still works).
const slowAfter = 2 * time.Second

// Probe rhythm: often while an upstream is unknown or failing (the bar turns back to ok soon after it recovers),
// rarely while it answers (real calls keep the state fresh then).
const (
	probeHealthy = 30 * time.Second
	probeTrouble = 5 * time.Second
)

// health is what the console knows of one upstream: set by every real call's result and by a probe of its own,
// each with the upstream's own deadline. It starts unknown: nothing says "ok" before something answered.
type health struct {
	mu    sync.Mutex
	state common.HealthState
	since time.Time
	last  time.Time // when anything was last heard
}

// get returns the state for the status bar.
func (h *health) get() common.Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	return common.Health{State: h.state, Since: h.since}
}

// observe records a call's outcome: a failure that says the upstream is unreachable or broken marks it down; any
// answer marks it up (slow when it took longer than slowAfter). A cancelled call says nothing.
func (h *health) observe(took time.Duration, err error) {
	s, ok := stateOf(took, err)
	if !ok {
		return
	}
	h.set(s)
}

func (h *health) set(s common.HealthState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if s != h.state {
		h.state, h.since = s, now
	}
	h.last = now
}

// reached records that the upstream answered, without a time (a background send): unknown or down becomes ok, a
// slow upstream stays slow.
func (h *health) reached() {
	h.mu.Lock()
	s := h.state
	h.mu.Unlock()
	if s != common.HealthSlow {
		h.set(common.HealthOK)
	}
}

// stateOf reads a call's outcome; ok is false when it tells nothing about the upstream (the caller gave up).
func stateOf(took time.Duration, err error) (common.HealthState, bool) {
	if err == nil {
		if took > slowAfter {
			return common.HealthSlow, true
		}
		return common.HealthOK, true
	}
	if errors.Is(err, context.Canceled) {
		return 0, false
	}
	var ce *client.Error
	if errors.As(err, &ce) {
		switch ce.Kind {
		case client.KindCanceled:
			return 0, false
		case client.KindNotFound, client.KindBadRequest: // it answered: the question was wrong, not the upstream
			if took > slowAfter {
				return common.HealthSlow, true
			}
			return common.HealthOK, true
		}
	}
	return common.HealthDown, true
}

// probe checks one upstream now, with its own deadline.
func (h *health) probe(ctx context.Context, deadline time.Duration, ping func(context.Context) error) {
	pctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	start := time.Now()
	err := ping(pctx)
	if ctx.Err() != nil {
		return
	}
	if err != nil && pctx.Err() != nil {
		err = context.DeadlineExceeded // the probe's own deadline passed: no answer in time
	}
	h.observe(time.Since(start), err)
}

// watch probes one upstream until ctx is done: at once, then every probeTrouble while unknown or down and every
// probeHealthy while it answers; a probe is skipped when a real call was heard from it meanwhile.
func (h *health) watch(ctx context.Context, deadline time.Duration, ping func(context.Context) error) {
	for {
		h.mu.Lock()
		state, last := h.state, h.last
		h.mu.Unlock()
		every := probeHealthy
		if state == common.HealthUnknown || state == common.HealthDown {
			every = probeTrouble
		}
		if last.IsZero() || time.Since(last) >= every {
			h.probe(ctx, deadline, ping)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every - time.Since(last)):
		}
	}
}

// probeDeadline is an upstream's probe deadline: its call timeout, twice (an OAuth2 token and the call), at least 5 s.
func probeDeadline(timeout time.Duration) time.Duration { return max(2*timeout, 5*time.Second) }

// observedTOTVS is the TOTVS client as the console calls it: every call's outcome updates TOTVS's health.
type observedTOTVS struct {
	c common.TOTVS
	h *health
}

func (o observedTOTVS) Contract(ctx context.Context, card string) (*model.Contract, error) {
	start := time.Now()
	v, err := o.c.Contract(ctx, card)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedTOTVS) Family(ctx context.Context, card string) (*model.Family, error) {
	start := time.Now()
	v, err := o.c.Family(ctx, card)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedTOTVS) GraceClasses(ctx context.Context, card string) (*model.GraceClasses, error) {
	start := time.Now()
	v, err := o.c.GraceClasses(ctx, card)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedTOTVS) GraceGroups(ctx context.Context, card string) (*model.GraceGroups, error) {
	start := time.Now()
	v, err := o.c.GraceGroups(ctx, card)
	o.h.observe(time.Since(start), err)
	return v, err
}

// observedMosia is the Mosia client as the console calls it: every call's outcome updates Mosia's health.
type observedMosia struct {
	c common.Mosia
	h *health
}

func (o observedMosia) LatestProtocols(ctx context.Context, chave string, n int) ([]model.Protocol, error) {
	start := time.Now()
	v, err := o.c.LatestProtocols(ctx, chave, n)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedTOTVS) Authorizations(ctx context.Context, card string, q model.AuthorizationQuery) (*model.Authorizations, error) {
	start := time.Now()
	v, err := o.c.Authorizations(ctx, card, q)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedTOTVS) BillingMonth(ctx context.Context, card string, month, current model.Month) (*model.Billing, error) {
	start := time.Now()
	v, err := o.c.BillingMonth(ctx, card, month, current)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedTOTVS) SearchQuery(ctx context.Context, q model.Query) ([]model.Match, error) {
	start := time.Now()
	v, err := o.c.SearchQuery(ctx, q)
	o.h.observe(time.Since(start), err)
	return v, err
}

func (o observedMosia) Detail(ctx context.Context, protocol string) (*model.ProtocolDetail, error) {
	start := time.Now()
	v, err := o.c.Detail(ctx, protocol)
	o.h.observe(time.Since(start), err)
	return v, err
}
