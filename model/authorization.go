package model

import "time"

// Authorizations are one page of a beneficiary's authorization guides in a window of dates, as the health-plan
// system pages them.
type Authorizations struct {
	Items     []Authorization
	Page      int  // the page these items are (from 1)
	PageSize  int  // items per page asked
	More      bool // the plan has more pages
	Remaining int  // items after this page
}

// AuthStatus is an authorization's situation as the attendant should read it.
type AuthStatus int

// Authorization situations.
const (
	AuthStatusUnknown   AuthStatus = iota
	AuthStatusActive               // valid
	AuthStatusCancelled            // cancelled
	AuthStatusBlocked              // blocked
)

// Authorization is one guide (consultation, SP/SADT, hospitalisation request…).
type Authorization struct {
	ID           string // the plan's key of the guide (authorizationid)
	Guide        string // the guide number as the plan shows it: local.PEG.number
	Date         string // the event date YYYY-MM-DD, or as it came when unreadable
	ProviderCode string
	Provider     string // the provider's (hospital, clinic, doctor) name
	TypeCode     string
	Type         string // the guide type in words ("GUIA DE CONSULTA")
	PhaseCode    string
	Phase        string // the guide's phase in words ("Pronta")
	StatusCode   string
	Status       string // the guide's situation in words ("Ativa")
	StatusKind   AuthStatus
	Procedure    string  // the procedure's description, "" when the plan did not send it
	Fields       []Field // every field of the guide, titled by the plan's dictionary, rendered, in its order
}

// AuthorizationQuery selects a page of authorizations in a window of dates.
type AuthorizationQuery struct {
	Window Window
	Page   int // from 1; 0 means 1
}

// Window is a span of whole days, both ends included (dates at midnight UTC, as ParseDate gives them).
type Window struct {
	From, To time.Time
}

// DefaultAuthorizationDays is the window the console opens authorizations with.
const DefaultAuthorizationDays = 90

// LastDays is the window of the n days ending today in America/Sao_Paulo (n < 1 is taken as 1).
func LastDays(now time.Time, n int) Window {
	n = max(n, 1)
	y, m, d := now.In(saoPaulo()).Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Window{From: to.AddDate(0, 0, -(n - 1)), To: to}
}

// Days is how many days the window spans (0 for an empty or inverted window).
func (w Window) Days() int {
	if w.To.Before(w.From) {
		return 0
	}
	return int(w.To.Sub(w.From).Hours()/24+0.5) + 1
}

// Shift moves the window by its own length, n times (negative: earlier).
func (w Window) Shift(n int) Window {
	d := w.Days() * n
	return Window{From: w.From.AddDate(0, 0, d), To: w.To.AddDate(0, 0, d)}
}

// Contains reports whether a date (any time of its day) is in the window.
func (w Window) Contains(t time.Time) bool {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return !day.Before(w.From) && !day.After(w.To)
}
