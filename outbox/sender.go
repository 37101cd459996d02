package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Mosia is what the sender needs from Mosia Omnichannel (*mosia.Client implements it): creating occurrences and
// applying follow-ups, and what the duplicate checks read (the latest protocols, a protocol's detail).
type Mosia interface {
	CreateOccurrence(ctx context.Context, o model.Occurrence) (string, error)
	LatestProtocols(ctx context.Context, chaveUnica string, n int) ([]model.Protocol, error)
	Apply(ctx context.Context, f model.FollowUp) error
	Detail(ctx context.Context, protocol string) (*model.ProtocolDetail, error)
}

// Defaults applied when an Option is zero.
const (
	DefaultMinBackoff   = 2 * time.Second
	DefaultMaxBackoff   = 5 * time.Minute
	DefaultMaxAttempts  = 20
	DefaultLease        = 2 * time.Minute
	DefaultPollInterval = 5 * time.Second
	DefaultClockSkew    = 2 * time.Minute
	// CheckProtocols is how many latest protocols the duplicate check reads (ultimosProtocolos' maximum).
	CheckProtocols = 10
)

// Options configure a Sender; zero values take the defaults above.
type Options struct {
	Owner        string        // lease owner name, unique per sender (default host-pid-random)
	MinBackoff   time.Duration // first retry delay cap
	MaxBackoff   time.Duration // retry delay cap; also the wait after 401/403/404
	MaxAttempts  int           // after this many failed attempts the item is reported stalled (it keeps retrying)
	Lease        time.Duration // how long a claim lasts; a send is cut at half of it so it never outlives its lease
	PollInterval time.Duration // longest idle wait between looks at the outbox (Kick wakes earlier)
	ClockSkew    time.Duration // tolerated difference between our clock and Mosia's in the duplicate check
	Workers      int           // concurrent sends in Run (default 1)
	// SubjectName names a subject (under its type) as Mosia lists it: ultimosProtocolos gives a description only.
	SubjectName func(idTipoOcorrencia, idAssunto int) string
	// OnSent, when set, is called once an item is recorded sent, with its protocol (the access record uses it).
	OnSent func(ctx context.Context, it Item, protocol string)
	Logger *slog.Logger
}

// EventKind is what happened to an item.
type EventKind int

// Event kinds.
const (
	EventSent            EventKind = iota + 1 // Mosia has it; Protocol is set
	EventRetrying                             // kept pending; Reason says why, NextAttemptAt when
	EventNeedsCorrection                      // Mosia refused its content; Reason carries Mosia's message
	EventNeedsReview                          // the outbox cannot tell alone whether Mosia has it; Reason says why
)

// String names the kind for logs.
func (k EventKind) String() string {
	switch k {
	case EventSent:
		return "sent"
	case EventRetrying:
		return "retrying"
	case EventNeedsCorrection:
		return "needs_correction"
	case EventNeedsReview:
		return "needs_review"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Event reports the outcome of one attempt on an item.
type Event struct {
	ItemID        string
	Kind          EventKind
	Protocol      string
	Reason        string // pt-BR, for the attendant
	Attempts      int
	NextAttemptAt time.Time
	Deduplicated  bool // the protocol was found in Mosia by the duplicate check, not in a POST answer
	Stalled       bool // Attempts reached MaxAttempts
	Flagged       bool // sent, but its protocol is another item's too: a person should look
}

// Test hook points.
const (
	hookBeforeSend  = "before-send"
	hookAfterSend   = "after-send"
	hookAfterAnswer = "after-answer"
)

// Sender delivers outbox items to Mosia; safe for concurrent use.
type Sender struct {
	box    *Queue
	mosia  Mosia
	opt    Options
	log    *slog.Logger
	kick   chan struct{}
	events chan Event
	hook   string
	now    func() time.Time

	mu       sync.Mutex
	failures int       // consecutive transient failures of the upstream
	pause    time.Time // Run claims nothing before this (upstream failing)
}

// NewSender builds a sender on the queue q and the Mosia client m.
func NewSender(q *Queue, m Mosia, opts Options) *Sender {
	if opts.Owner == "" {
		host, _ := os.Hostname()
		var b [3]byte
		_, _ = rand.Read(b[:])
		opts.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	opts.MinBackoff = orDur(opts.MinBackoff, DefaultMinBackoff)
	opts.MaxBackoff = max(orDur(opts.MaxBackoff, DefaultMaxBackoff), opts.MinBackoff)
	opts.Lease = orDur(opts.Lease, DefaultLease)
	opts.PollInterval = orDur(opts.PollInterval, DefaultPollInterval)
	opts.ClockSkew = orDur(opts.ClockSkew, DefaultClockSkew)
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	opts.Workers = max(opts.Workers, 1)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With(slog.String("component", "outbox"), slog.String("owner", opts.Owner))
	if opts.SubjectName == nil {
		log.Warn("outbox: no subject catalogue; the duplicate check compares type, requester and time only")
	}
	return &Sender{
		box: q, mosia: m, opt: opts, log: log,
		kick:   make(chan struct{}, opts.Workers),
		events: make(chan Event, 256),
		hook:   hookPoint(),
		now:    time.Now,
	}
}

// Events delivers one Event per attempt outcome; events are dropped when nobody reads (the outbox is the record).
func (s *Sender) Events() <-chan Event { return s.events }

// Kick wakes the sender now (after Submit or RetryNow), ending any upstream-failure pause.
func (s *Sender) Kick() {
	s.mu.Lock()
	s.pause = time.Time{}
	s.mu.Unlock()
	for range s.opt.Workers { // wake every idle worker
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// Run sends due items until ctx is done; an in-flight send is finished (bounded by half the lease) before it returns.
func (s *Sender) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range s.opt.Workers {
		wg.Go(func() { s.loop(ctx) })
	}
	wg.Wait()
	return nil
}

func (s *Sender) loop(ctx context.Context) {
	for ctx.Err() == nil {
		if wait := s.pausedFor(); wait > 0 {
			s.sleep(ctx, wait)
			continue
		}
		it, ok, err := s.box.Claim(ctx, s.opt.Owner, s.opt.Lease, s.now())
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("outbox claim failed", slog.String("err", err.Error()))
			}
			s.sleep(ctx, s.opt.PollInterval)
			continue
		}
		if !ok {
			s.sleep(ctx, s.idleWait(ctx))
			continue
		}
		s.process(ctx, it)
	}
}

// idleWait is how long to sleep when nothing is due: until the next item falls due, at most PollInterval.
func (s *Sender) idleWait(ctx context.Context) time.Duration {
	next, ok, err := s.box.NextDue(ctx)
	if err != nil || !ok {
		return s.opt.PollInterval
	}
	return min(max(next.Sub(s.now())+time.Millisecond, time.Millisecond), s.opt.PollInterval)
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-s.kick:
	case <-t.C:
	}
}

func (s *Sender) pausedFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pause.Sub(s.now())
}

// upstream records whether the upstream answered (ok) or failed transiently, pausing the loop while it fails.
func (s *Sender) upstream(ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		s.failures, s.pause = 0, time.Time{}
		return
	}
	s.failures++
	s.pause = s.now().Add(s.backoff(s.failures))
}

// SendNow claims the item id and tries it once now (the attendant's Ctrl+S), returning its state after the attempt.
// If another sender is already on it, SendNow waits for that attempt's outcome instead. A sent or needs_correction
// item is returned unchanged.
func (s *Sender) SendNow(ctx context.Context, id string) (Item, error) {
	it, ok, err := s.box.ClaimID(ctx, id, s.opt.Owner, s.opt.Lease, s.now())
	switch {
	case errors.Is(err, ErrLeased):
		return s.awaitOther(ctx, id)
	case errors.Is(err, ErrHeldBack):
		s.log.Info("outbox item waits for a look-alike to settle", slog.String("item", id))
		reason := i18n.OutboxHeldBack
		if it.Kind.IsFollowUp() {
			reason = i18n.OutboxFollowUpWaits
		}
		if err := s.box.SetReason(ctx, id, reason); err == nil {
			it.LastError = reason
		}
		return it, nil
	case err != nil:
		return Item{}, fmt.Errorf("outbox send now %s: %w", id, err)
	case !ok:
		return it, nil
	}
	s.process(ctx, it)
	return s.box.Get(context.WithoutCancel(ctx), id)
}

// awaitOther waits until the sender holding id finishes its attempt.
func (s *Sender) awaitOther(ctx context.Context, id string) (Item, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return Item{}, fmt.Errorf("outbox send now %s: %w", id, ctx.Err())
		case <-tick.C:
		}
		it, err := s.box.Get(ctx, id)
		if err != nil {
			return Item{}, fmt.Errorf("outbox send now %s: %w", id, err)
		}
		if it.State != Sending || it.LeaseUntil.Before(s.now()) {
			return it, nil
		}
	}
}

// process runs one attempt on a claimed item. It is not cut short by ctx: once claimed, the attempt and its
// bookkeeping finish (each step bounded by the lease), so a shutdown never leaves a half-recorded send.
func (s *Sender) process(parent context.Context, it Item) {
	ctx := context.WithoutCancel(parent)
	log := s.log.With(slog.String("item", it.ID))

	if it.Uncertain {
		cctx, cancel := context.WithTimeout(ctx, s.opt.Lease/4)
		var done bool
		if it.Kind.IsFollowUp() {
			done = s.checkFollowUp(cctx, log, it)
		} else {
			done = s.dedup(cctx, log, it)
		}
		cancel()
		if done {
			return
		}
	}

	s.hookAt(hookBeforeSend, it.ID)
	it2, err := s.box.MarkAttempt(ctx, it.ID, s.opt.Owner, s.opt.Lease, s.now())
	if err != nil {
		log.Warn("outbox attempt not recorded; not sending", slog.String("err", err.Error()))
		return
	}
	prevUncertain := it.Uncertain
	it = it2

	// The send is cut at half the lease, counted from when the lease was renewed (not from now: waiting for the
	// file may have eaten into it), so that a sender taking over an expired lease never races this POST.
	deadline := it.LeaseUntil.Add(-s.opt.Lease / 2)
	if !s.now().Before(deadline) {
		log.Warn("outbox attempt recorded too late to send within its lease; releasing")
		if e := s.box.Release(ctx, it.ID, s.opt.Owner, prevUncertain); e != nil {
			log.Error("outbox release failed", slog.String("err", e.Error()))
		}
		return
	}
	sctx, cancel := context.WithDeadline(ctx, deadline)
	sctx = s.hookSendTrace(sctx, it.ID)
	protocol, err := s.send(sctx, it)
	cancel()
	s.hookAfterCall(it.ID)
	if err == nil {
		s.hookAt(hookAfterAnswer, it.ID)
		s.upstream(true)
		if it.Kind.IsFollowUp() {
			s.finishDone(ctx, log, it, false)
		} else {
			s.finishSent(ctx, log, it, protocol, false)
		}
		return
	}
	s.failed(ctx, log, it, prevUncertain, err)
}

// send makes the item's one call to Mosia: the creation (its protocol is returned) or the follow-up.
func (s *Sender) send(ctx context.Context, it Item) (string, error) {
	if it.Kind.IsFollowUp() {
		return "", s.mosia.Apply(ctx, it.FollowUp)
	}
	return s.mosia.CreateOccurrence(ctx, it.Occurrence)
}

// failed files the outcome of a failed POST.
func (s *Sender) failed(ctx context.Context, log *slog.Logger, it Item, prevUncertain bool, err error) {
	var ce *client.Error
	sent := true // an error we cannot read may have reached Mosia
	status := 0
	if errors.As(err, &ce) {
		sent, status = ce.Sent(), ce.Status
	}
	uncertain := prevUncertain || sent
	kind := client.KindOf(err)
	log = log.With(slog.String("kind", kind.String()), slog.Int("status", status),
		slog.Int("attempts", it.Attempts), slog.Bool("uncertain", uncertain))

	switch kind {
	case client.KindBadRequest:
		msg := ""
		if ce != nil {
			msg = ce.Message
		}
		reason := i18n.OutboxNeedsCorrection(msg)
		if it.Kind.IsFollowUp() {
			reason = i18n.OutboxFollowUpRefused(msg)
		}
		if e := s.box.MarkNeedsCorrection(ctx, it.ID, s.opt.Owner, reason, uncertain); e != nil {
			log.Error("outbox needs-correction not recorded", slog.String("err", e.Error()))
			return
		}
		s.upstream(true)
		log.Warn("outbox item refused by mosia; needs correction", slog.String("mosia_message", msg))
		s.emit(Event{ItemID: it.ID, Kind: EventNeedsCorrection, Reason: reason, Attempts: it.Attempts})
		return
	case client.KindCanceled:
		if e := s.box.Release(ctx, it.ID, s.opt.Owner, uncertain); e != nil {
			log.Error("outbox release failed", slog.String("err", e.Error()))
		}
		return
	case client.KindAuth, client.KindNotFound:
		reason := i18n.OutboxAuth
		switch {
		case kind == client.KindNotFound && it.Kind.IsFollowUp():
			reason = i18n.OutboxProtocolNotFound(it.FollowUp.Protocol)
		case kind == client.KindNotFound:
			reason = i18n.OutboxEndpoint
		}
		s.upstream(false)
		s.retry(ctx, log, it, reason, s.jitterLong(), uncertain)
		return
	}
	s.upstream(false)
	reason := i18n.OutboxRetrying(cause(kind, status))
	switch {
	case uncertain && it.Kind.IsFollowUp():
		reason += i18n.OutboxMaybeApplied
	case uncertain:
		reason += i18n.OutboxMaybeReached
	}
	s.retry(ctx, log, it, reason, s.backoff(it.Attempts), uncertain)
}

// retry puts the item back to pending after delay and reports it.
func (s *Sender) retry(ctx context.Context, log *slog.Logger, it Item, reason string, delay time.Duration, uncertain bool) {
	stalled := it.Attempts >= s.opt.MaxAttempts
	if stalled {
		reason += i18n.OutboxStalled(it.Attempts)
	}
	next := s.now().Add(delay)
	if err := s.box.MarkRetry(ctx, it.ID, s.opt.Owner, reason, next, uncertain); err != nil {
		log.Error("outbox retry not recorded", slog.String("err", err.Error()))
		return
	}
	lvl := slog.LevelInfo
	if stalled {
		lvl = slog.LevelWarn
	}
	log.Log(ctx, lvl, "outbox item kept for retry", slog.Duration("in", delay), slog.Bool("stalled", stalled))
	s.emit(Event{ItemID: it.ID, Kind: EventRetrying, Reason: reason, Attempts: it.Attempts, NextAttemptAt: next,
		Stalled: stalled})
}

// finishSent stores the protocol Mosia answered with and reports it: an answer with a protocol is a creation,
// never to be sent again, even when another item holds the same number (both are then flagged for a person).
func (s *Sender) finishSent(ctx context.Context, log *slog.Logger, it Item, protocol string, dedup bool) {
	err := s.box.MarkSent(ctx, it.ID, protocol, s.now())
	switch {
	case err == nil:
		log.Info("outbox item sent", slog.String("protocol", protocol), slog.Int("attempts", it.Attempts),
			slog.Bool("deduplicated", dedup))
		s.sent(ctx, it, protocol)
		s.emit(Event{ItemID: it.ID, Kind: EventSent, Protocol: protocol, Attempts: it.Attempts, Deduplicated: dedup})
	case errors.Is(err, ErrProtocolTaken):
		log.Warn("outbox protocol also held by another item; both recorded and flagged for a person",
			slog.String("protocol", protocol), slog.String("err", err.Error()))
		s.sent(ctx, it, protocol)
		s.emit(Event{ItemID: it.ID, Kind: EventSent, Protocol: protocol, Attempts: it.Attempts, Deduplicated: dedup,
			Flagged: true})
	case errors.Is(err, ErrAlreadySent):
		// Our lease expired while we were storing the answer and another sender found the occurrence first.
		cur, gerr := s.box.Get(ctx, it.ID)
		if gerr == nil && cur.Protocol == protocol {
			log.Info("outbox item already recorded by another sender", slog.String("protocol", protocol))
			return
		}
		log.Error("outbox item was already sent with another protocol: Mosia may hold a duplicate",
			slog.String("protocol", protocol), slog.String("recorded", cur.Protocol))
		if ferr := s.box.Flag(ctx, it.ID, i18n.OutboxFlagTwoProtocols(cur.Protocol, protocol)); ferr != nil {
			log.Error("outbox flag not recorded", slog.String("err", ferr.Error()))
		}
	default:
		// The occurrence is in Mosia but not recorded here: the item stays Uncertain under an expiring lease, and
		// the next claim finds it through the duplicate check.
		log.Error("outbox sent but not recorded", slog.String("protocol", protocol), slog.String("err", err.Error()))
	}
}

// sent tells OnSent that an item was recorded sent.
func (s *Sender) sent(ctx context.Context, it Item, protocol string) {
	if s.opt.OnSent != nil {
		s.opt.OnSent(ctx, it, protocol)
	}
}

func (s *Sender) emit(e Event) {
	select {
	case s.events <- e:
	default:
	}
}

// backoff is full jitter: random in [0, min(MaxBackoff, MinBackoff·2^(attempt-1))].
func (s *Sender) backoff(attempt int) time.Duration {
	ceil := s.opt.MinBackoff << min(max(attempt-1, 0), 30)
	if ceil <= 0 || ceil > s.opt.MaxBackoff {
		ceil = s.opt.MaxBackoff
	}
	return mrand.N(ceil + 1)
}

// jitterLong is the wait after a configuration error: between half and all of MaxBackoff.
func (s *Sender) jitterLong() time.Duration {
	half := s.opt.MaxBackoff / 2
	return half + mrand.N(half+1)
}

// cause turns a failure kind into a short pt-BR cause.
func cause(kind client.ErrorKind, status int) string {
	switch kind {
	case client.KindRefused:
		return i18n.OutboxCauseRefused
	case client.KindTimeout:
		return i18n.OutboxCauseTimeout
	case client.KindServer:
		return i18n.OutboxCauseServer(status)
	case client.KindMalformed:
		return i18n.OutboxCauseNoProtocol
	}
	return i18n.OutboxCauseOther
}

func orDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}
