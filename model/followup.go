package model

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/balcao/balcao/i18n"
)

// FollowUpKind is what a follow-up action does to an existing protocol.
type FollowUpKind int

// Follow-up kinds.
const (
	FollowUpNone     FollowUpKind = iota
	FollowUpNote                  // add an annotation
	FollowUpStatus                // change the status (closing it, with an outcome and a reason)
	FollowUpActivate              // activate a draft
)

// MaxNoteRunes is the longest note or outcome text balcão sends (the desk publishes no limit).
const MaxNoteRunes = 4000

// FollowUp is an attendant's action on an existing protocol: exactly one of Note, Status or Activate.
type FollowUp struct {
	Protocol    string // the protocol acted on (digits, kept as a string)
	Requester   string // the protocol's requester chaveUnica (the desk asks for it on status changes and notes)
	Beneficiary string // the beneficiary's chaveUnica, for the access record ("" when unknown)
	AttendantID int    // the desk's idAtendente of the attendant; 0 when not configured
	Note        *NoteAction
	Status      *StatusAction
	Activate    bool
}

// NoteAction is a note to add.
type NoteAction struct {
	Text   string
	Public bool // the beneficiary sees it
}

// StatusAction is a status change; closing statuses carry an outcome text and a closing reason.
type StatusAction struct {
	StatusID   int
	StatusName string // as the catalogue names it, for lists and checks (not sent)
	ReasonID   int    // closing reason (idMotivoEncerramento), 0 for none
	ReasonName string // as the catalogue names it (not sent)
	Outcome    string // the outcome text (textoDesfecho); requires a reason
}

// Kind tells which action the follow-up carries (FollowUpNone when none, or more than one).
func (f FollowUp) Kind() FollowUpKind {
	n, k := 0, FollowUpNone
	if f.Note != nil {
		n, k = n+1, FollowUpNote
	}
	if f.Status != nil {
		n, k = n+1, FollowUpStatus
	}
	if f.Activate {
		n, k = n+1, FollowUpActivate
	}
	if n != 1 {
		return FollowUpNone
	}
	return k
}

// ErrFollowUp is matched (errors.Is) by every error Check returns.
var ErrFollowUp = errors.New("invalid follow-up")

// followUpError is a follow-up that cannot be sent; its text is the pt-BR message for the attendant.
type followUpError struct{ msg string }

func (e *followUpError) Error() string        { return e.msg }
func (e *followUpError) Is(target error) bool { return target == ErrFollowUp }

// Check says in pt-BR what must be fixed before the follow-up can be sent; nil when it can.
func (f FollowUp) Check() error {
	bad := func(msg string) error { return &followUpError{msg} }
	if p := strings.TrimSpace(f.Protocol); p == "" || Digits(p) != p {
		return bad(i18n.FollowUpBadProtocol)
	}
	switch f.Kind() {
	case FollowUpNote:
		return checkText(f.Note.Text, true, bad)
	case FollowUpStatus:
		s := f.Status
		switch {
		case s.StatusID <= 0:
			return bad(i18n.FollowUpNoStatus)
		case strings.TrimSpace(f.Requester) == "":
			return bad(i18n.FollowUpNoRequester)
		case strings.TrimSpace(s.Outcome) != "" && s.ReasonID <= 0:
			return bad(i18n.FollowUpOutcomeNeedsReason)
		}
		return checkText(s.Outcome, false, bad)
	case FollowUpActivate:
		return nil
	}
	return bad(i18n.FollowUpNoAction)
}

func checkText(s string, required bool, bad func(string) error) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return bad(i18n.FollowUpEmptyNote)
	case utf8.RuneCountInString(s) > MaxNoteRunes:
		return bad(i18n.FollowUpTextTooLong(utf8.RuneCountInString(s), MaxNoteRunes))
	case !utf8.ValidString(s):
		return bad(i18n.FollowUpBadText)
	}
	return nil
}
