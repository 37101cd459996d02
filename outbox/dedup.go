package outbox

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// dedup runs the duplicate check of an Uncertain item (see the package doc). It returns true when the item needs
// no POST now: it was found in Mosia and marked sent, or the check failed and the item was put back to wait.
func (s *Sender) dedup(ctx context.Context, log *slog.Logger, it Item) bool {
	ps, err := s.mosia.LatestProtocols(ctx, it.ChaveUnica(), CheckProtocols)
	if err != nil {
		s.checkFailed(ctx, log, it, "outbox duplicate check failed", err)
		return true
	}
	s.upstream(true)
	cands, unreadable := s.candidates(it, ps)
	for _, p := range unreadable {
		if held, err := s.heldByOther(ctx, it, p); err != nil || held {
			continue
		}
		reason := i18n.OutboxReviewUnreadableDate(p)
		if err := s.box.MarkReview(ctx, it.ID, s.opt.Owner, reason); err != nil {
			log.Error("outbox review not recorded", slog.String("err", err.Error()))
			return true
		}
		log.Warn("outbox duplicate check met a date it cannot read; waiting for a person", slog.String("protocol", p))
		s.emit(Event{ItemID: it.ID, Kind: EventNeedsReview, Reason: reason, Attempts: it.Attempts})
		return true
	}
	for _, p := range cands {
		held, err := s.heldByOther(ctx, it, p)
		if err != nil {
			log.Error("outbox protocol lookup failed", slog.String("err", err.Error()))
			s.retry(ctx, log, it, i18n.OutboxVerifyFailed(i18n.OutboxCauseOther), s.backoff(it.Attempts), true)
			return true
		}
		if held {
			continue
		}
		err = s.box.MarkSent(ctx, it.ID, p, s.now())
		if errors.Is(err, ErrAlreadySent) {
			log.Info("outbox item already recorded by another sender")
			return true
		}
		if err != nil && !errors.Is(err, ErrProtocolTaken) {
			log.Error("outbox found protocol not recorded", slog.String("protocol", p), slog.String("err", err.Error()))
			s.retry(ctx, log, it, i18n.OutboxVerifyFailed(i18n.OutboxCauseOther), s.backoff(it.Attempts), true)
			return true
		}
		log.Info("outbox item found in mosia; not resent", slog.String("protocol", p), slog.Int("attempts", it.Attempts))
		s.sent(ctx, it, p)
		s.emit(Event{ItemID: it.ID, Kind: EventSent, Protocol: p, Attempts: it.Attempts, Deduplicated: true,
			Flagged: err != nil})
		return true
	}
	log.Info("outbox earlier attempt not found in mosia; sending again", slog.Int("attempts", it.Attempts))
	return false
}

// heldByOther reports whether another item of the outbox holds protocol.
func (s *Sender) heldByOther(ctx context.Context, it Item, protocol string) (bool, error) {
	ids, err := s.box.ProtocolHolders(ctx, protocol)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ids, func(id string) bool { return id != it.ID }), nil
}

// candidates returns the listed protocols that may be this item's, oldest first, and those that would be
// candidates but whose registration date cannot be read (the check cannot decide about them). A protocol known
// only by its day is a candidate when that day is not before the first attempt's (minus the clock skew) day.
func (s *Sender) candidates(it Item, ps []model.Protocol) (cands, unreadable []string) {
	occ := it.Occurrence
	compareSubject := true
	wantSubject := ""
	if occ.SubjectID != 0 {
		if s.opt.SubjectName != nil {
			wantSubject = s.opt.SubjectName(occ.TypeID, occ.SubjectID)
		}
		compareSubject = wantSubject != ""
	}
	since := it.FirstAttemptAt.Add(-s.opt.ClockSkew)
	type cand struct {
		protocol string
		at       time.Time
	}
	var out []cand
	for _, p := range ps {
		if p.Number == "" || p.Type.ID == 0 || p.Type.ID != occ.TypeID || it.FirstAttemptAt.IsZero() {
			continue
		}
		if compareSubject && !sameText(p.Subject, wantSubject) {
			continue
		}
		if k := strings.TrimSpace(p.Requester.ChaveUnica); k != "" && occ.Requester.ChaveUnica != "" &&
			k != strings.TrimSpace(occ.Requester.ChaveUnica) {
			continue
		}
		switch p.RegisteredP {
		case model.Exact:
			if !p.Registered.Before(since) {
				out = append(out, cand{p.Number, p.Registered})
			}
		case model.DayOnly:
			if !p.Registered.Before(startOfDay(since, p.Registered.Location())) {
				out = append(out, cand{p.Number, p.Registered})
			}
		case model.Unreadable:
			unreadable = append(unreadable, p.Number)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	for _, c := range out {
		cands = append(cands, c.protocol)
	}
	return cands, unreadable
}

// startOfDay is the start of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// sameText compares two descriptions ignoring case, accents and surrounding spaces.
func sameText(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return strings.EqualFold(a, b) || strings.EqualFold(model.FoldText(a), model.FoldText(b))
}

// checkFailed puts an Uncertain item back to wait after its check could not ask Mosia (never a blind resend):
// the usual backoff, or the long wait of a configuration problem (401/403, 404).
func (s *Sender) checkFailed(ctx context.Context, log *slog.Logger, it Item, what string, err error) {
	var ce *client.Error
	status := 0
	if errors.As(err, &ce) {
		status = ce.Status
	}
	kind := client.KindOf(err)
	log.Warn(what, slog.String("kind", kind.String()), slog.Int("status", status))
	delay := s.backoff(it.Attempts)
	if kind == client.KindAuth || kind == client.KindNotFound {
		delay = s.jitterLong()
	}
	s.upstream(false)
	s.retry(ctx, log, it, i18n.OutboxVerifyFailed(cause(kind, status)), delay, true)
}
