package model

import (
	"strings"
	"time"
)

// ProtocolDetail is one occurrence as the service desk details it: the summary a list shows (type, subject,
// status, dates, requester, beneficiary) and what only the detail has (SLA due date, forms, notes, outcome).
// Values the desk marks as not implemented yet are left empty.
type ProtocolDetail struct {
	Protocol
	SubjectID     int
	Function      Ref       // the functionality the occurrence was opened under (zero when none)
	Contract      string    // the contract number on the occurrence ("" when none)
	SLADue        time.Time // when the desk's service level expires; zero when the desk gave none
	Draft         bool      // saved as a draft: activate it before it is worked on
	DraftKnown    bool      // the desk said whether it is a draft (Draft is false when it did not)
	Channel       string    // the service channel's description ("" when none)
	Nature        string    // the nature of the service ("" when none)
	Note          string    // the note the occurrence was opened with
	Forms         []FormView
	Notes         []Note // annotations, oldest first (only when NotesKnown)
	NotesKnown    bool   // the desk listed the annotations; false when its answer says nothing about them
	Outcome       string // the closing text (textoDesfecho), "" when not closed with one
	ClosingReason Ref    // the closing reason, zero when none
}

// SLAOverdue reports whether the SLA due date is past at now ("vencido"); false without a due date.
func (d ProtocolDetail) SLAOverdue(now time.Time) bool {
	return !d.SLADue.IsZero() && now.After(d.SLADue)
}

// FormView is one filled form as the desk shows it back: its name and its answers in order.
type FormView struct {
	ID      string
	Name    string
	Answers []Field
}

// Note is an annotation on a protocol.
type Note struct {
	Text        string
	Public      bool      // the beneficiary sees it
	AttendantID int       // the desk's attendant id, 0 when unknown
	At          time.Time // zero when the desk gave no time
}

// RequestedByOther reports whether someone other than the beneficiary opened the protocol (a family member or a
// third party), as far as the desk names both.
func (p Protocol) RequestedByOther() bool {
	r, b := NormalizeChave(p.Requester.ChaveUnica), NormalizeChave(p.Beneficiary.ChaveUnica)
	return r != "" && b != "" && r != b
}

// IsPlaceholder reports whether a desk value is its "not implemented yet" placeholder, which is never shown.
func IsPlaceholder(s string) bool {
	return FoldText(s) == "implementacao futura"
}

// SameNoteText compares two note texts as the desk may store them: spaces at the ends and runs of white space
// do not count, nor line-ending style.
func SameNoteText(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}
