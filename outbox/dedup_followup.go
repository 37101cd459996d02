package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// verdict is what the duplicate check of a follow-up concludes from the protocol's detail.
type verdict int

const (
	verdictResend  verdict = iota // the earlier attempt did not take effect: send again
	verdictApplied                // Mosia shows the effect: record it done, do not send
	verdictReview                 // the detail cannot tell: a person decides
)

// checkFollowUp runs the duplicate check of an Uncertain follow-up (see the package doc, "Follow-ups"). It
// returns true when the item needs no call now: found applied and marked done, parked for a person, or the check
// failed and the item was put back to wait.
func (s *Sender) checkFollowUp(ctx context.Context, log *slog.Logger, it Item) bool {
	d, err := s.mosia.Detail(ctx, it.FollowUp.Protocol)
	if err != nil {
		s.checkFailed(ctx, log, it, "outbox follow-up check failed", err)
		return true
	}
	s.upstream(true)
	v, reason := s.judge(ctx, it, d)
	switch v {
	case verdictApplied:
		log.Info("outbox follow-up found applied in mosia; not resent", slog.Int("attempts", it.Attempts))
		s.finishDone(ctx, log, it, true)
		return true
	case verdictReview:
		if err := s.box.MarkReview(ctx, it.ID, s.opt.Owner, reason); err != nil {
			log.Error("outbox review not recorded", slog.String("err", err.Error()))
			return true
		}
		log.Warn("outbox follow-up check cannot decide; waiting for a person")
		s.emit(Event{ItemID: it.ID, Kind: EventNeedsReview, Protocol: it.FollowUp.Protocol, Reason: reason,
			Attempts: it.Attempts})
		return true
	}
	log.Info("outbox earlier follow-up attempt not found in mosia; sending again", slog.Int("attempts", it.Attempts))
	return false
}

// judge reads the detail for the item's effect: a note of the same text, the asked status, the draft activated.
func (s *Sender) judge(ctx context.Context, it Item, d *model.ProtocolDetail) (verdict, string) {
	f := it.FollowUp
	since := it.FirstAttemptAt.Add(-s.opt.ClockSkew)
	switch it.Kind {
	case KindNote:
		return s.judgeNote(ctx, it, d, since)
	case KindStatus:
		st := f.Status
		reasonShown := d.ClosingReason.ID != 0 || d.Outcome != ""
		if d.Status.ID == st.StatusID && (st.ReasonID == 0 || !reasonShown || d.ClosingReason.ID == st.ReasonID) {
			return verdictApplied, ""
		}
		// Not as asked. If the protocol changed after our first attempt, ours may have applied and someone else
		// changed it again: resending would undo their change, so a person decides. (The first attempt's own time,
		// not minus the clock skew: an earlier follow-up of ours, sent just before, must not count as a change.)
		if d.Updated.IsZero() || d.Updated.After(it.FirstAttemptAt) {
			return verdictReview, i18n.OutboxReviewStatus(f.Protocol)
		}
		return verdictResend, ""
	case KindActivate:
		if d.DraftKnown && !d.Draft {
			return verdictApplied, ""
		}
		// Still a draft, or the desk does not say: activating again changes nothing more than once.
		return verdictResend, ""
	}
	return verdictResend, ""
}

// judgeNote counts the notes of the same text and visibility Mosia registered since the first attempt, and the
// ones other items of this outbox account for (sent notes of the same text on the protocol): more in Mosia than
// those means ours arrived. A detail that does not list notes, or a twin without a date, cannot be judged.
func (s *Sender) judgeNote(ctx context.Context, it Item, d *model.ProtocolDetail, since time.Time) (verdict, string) {
	f := it.FollowUp
	if !d.NotesKnown {
		return verdictReview, i18n.OutboxReviewNote(f.Protocol)
	}
	inWindow, undated := 0, 0
	for _, n := range d.Notes {
		if !model.SameNoteText(n.Text, f.Note.Text) || n.Public != f.Note.Public {
			continue
		}
		switch {
		case n.At.IsZero():
			undated++
		case !n.At.Before(since):
			inWindow++
		}
	}
	others := 0
	if inWindow > 0 {
		items, err := s.box.ForProtocol(ctx, f.Protocol, true)
		if err != nil { // cannot tell ours from theirs: a person decides
			return verdictReview, i18n.OutboxReviewNoteUndated(f.Protocol)
		}
		for _, o := range items {
			if o.ID != it.ID && o.Kind == KindNote && o.State == Sent && o.FollowUp.Note != nil &&
				model.SameNoteText(o.FollowUp.Note.Text, f.Note.Text) && o.FollowUp.Note.Public == f.Note.Public &&
				!o.SentAt.Before(since) {
				others++
			}
		}
	}
	switch {
	case inWindow > others:
		return verdictApplied, ""
	case undated > 0:
		return verdictReview, i18n.OutboxReviewNoteUndated(f.Protocol)
	}
	return verdictResend, ""
}

// finishDone records a follow-up applied and reports it (checked: found by the duplicate check, not answered).
func (s *Sender) finishDone(ctx context.Context, log *slog.Logger, it Item, checked bool) {
	err := s.box.MarkDone(ctx, it.ID, s.now())
	switch {
	case err == nil:
		log.Info("outbox follow-up applied", slog.String("kind", string(it.Kind)), slog.Int("attempts", it.Attempts),
			slog.Bool("deduplicated", checked))
		s.sent(ctx, it, it.FollowUp.Protocol)
		s.emit(Event{ItemID: it.ID, Kind: EventSent, Protocol: it.FollowUp.Protocol, Attempts: it.Attempts,
			Deduplicated: checked})
	case errors.Is(err, ErrAlreadySent):
		log.Info("outbox follow-up already recorded by another sender")
	default:
		// Applied in Mosia but not recorded here: the item stays Uncertain under an expiring lease, and the next
		// claim finds the effect through the check.
		log.Error("outbox follow-up applied but not recorded", slog.String("err", err.Error()))
	}
}
