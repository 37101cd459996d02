package outbox

import (
	"context"
	"errors"
	"log/slog"
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
		var ce *client.Error
		status := 0
		if errors.As(err, &ce) {
			status = ce.Status
		}
		kind := client.KindOf(err)
		log.Warn("outbox duplicate check failed", slog.String("kind", kind.String()), slog.Int("status", status))
		delay := s.backoff(it.Attempts)
		if kind == client.KindAuth || kind == client.KindNotFound {
			delay = s.jitterLong()
		}
		s.upstream(false)
		s.retry(ctx, log, it, i18n.OutboxVerifyFailed(cause(kind, status)), delay, true)
		return true
	}
	s.upstream(true)
	for _, p := range s.candidates(it, ps) {
		holder, held, err := s.box.ProtocolHolder(ctx, p)
		if err != nil {
			log.Error("outbox protocol lookup failed", slog.String("err", err.Error()))
			s.retry(ctx, log, it, i18n.OutboxVerifyFailed(i18n.OutboxCauseOther), s.backoff(it.Attempts), true)
			return true
		}
		if held && holder != it.ID {
			continue
		}
		err = s.box.MarkSent(ctx, it.ID, p, s.now())
		if errors.Is(err, ErrProtocolTaken) {
			continue // another item took it a moment ago
		}
		if errors.Is(err, ErrAlreadySent) {
			log.Info("outbox item already recorded by another sender")
			return true
		}
		if err != nil {
			log.Error("outbox found protocol not recorded", slog.String("protocol", p), slog.String("err", err.Error()))
			s.retry(ctx, log, it, i18n.OutboxVerifyFailed(i18n.OutboxCauseOther), s.backoff(it.Attempts), true)
			return true
		}
		log.Info("outbox item found in mosia; not resent", slog.String("protocol", p), slog.Int("attempts", it.Attempts))
		s.emit(Event{ItemID: it.ID, Kind: EventSent, Protocol: p, Attempts: it.Attempts, Deduplicated: true})
		return true
	}
	log.Info("outbox earlier attempt not found in mosia; sending again", slog.Int("attempts", it.Attempts))
	return false
}

// candidates returns the listed protocols that may be this item's, oldest first.
func (s *Sender) candidates(it Item, ps []model.Protocol) []string {
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
		if p.Number == "" || p.Type.ID == 0 || p.Type.ID != occ.TypeID {
			continue
		}
		if compareSubject && !sameText(p.Subject, wantSubject) {
			continue
		}
		if k := strings.TrimSpace(p.Requester.ChaveUnica); k != "" && occ.Requester.ChaveUnica != "" &&
			k != strings.TrimSpace(occ.Requester.ChaveUnica) {
			continue
		}
		at := p.Registered
		if at.IsZero() || it.FirstAttemptAt.IsZero() || at.Before(since) {
			continue
		}
		out = append(out, cand{p.Number, at})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	protocols := make([]string, len(out))
	for i, c := range out {
		protocols[i] = c.protocol
	}
	return protocols
}

// sameText compares two descriptions ignoring case, accents and surrounding spaces.
func sameText(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return strings.EqualFold(a, b) || strings.EqualFold(model.FoldText(a), model.FoldText(b))
}
