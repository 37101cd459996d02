package model

import (
	"strings"
	"time"
)

// GraceState is the state of a grace period as the attendant should see it.
type GraceState int

// Grace states.
const (
	GraceUnknown GraceState = iota
	GraceDone               // "Carência Cumprida", or end date passed
	GraceRunning            // "Em Carência" and end date in the future
)

// GraceStatus decides whether a grace period is still running from its status text and end date at now.
//
// The status is compared folded ("Carência Cumprida", "CARENCIA CUMPRIDA", "Em Carencia" all work):
//   - a status saying "cumprida" (and not "não cumprida") → GraceDone, whatever the date;
//   - a status saying "em carência"/"não cumprida"/"a cumprir" → GraceRunning, unless the end date has passed;
//   - any other or empty status → decided by the end date alone; no readable date → GraceUnknown.
//
// The end date counts whole: a period ending 2022-01-13 runs until the end of that day in America/Sao_Paulo.
func GraceStatus(status, finalDate string, now time.Time) GraceState {
	f := FoldText(status)
	running := strings.Contains(f, "em carencia") || strings.Contains(f, "nao cumprid") ||
		strings.Contains(f, "a cumprir") || f == "carencia"
	switch {
	case !running && strings.Contains(f, "cumprid"):
		return GraceDone
	case running:
		if ended, ok := graceEnded(finalDate, now); ok && ended {
			return GraceDone
		}
		return GraceRunning
	}
	ended, ok := graceEnded(finalDate, now)
	switch {
	case !ok:
		return GraceUnknown
	case ended:
		return GraceDone
	default:
		return GraceRunning
	}
}

// graceEnded reports whether now is past the end of finalDate's day in São Paulo; ok is false without a date.
func graceEnded(finalDate string, now time.Time) (ended, ok bool) {
	t, ok := ParseDate(finalDate)
	if !ok {
		return false, false
	}
	y, m, d := t.Date()
	nextDay := time.Date(y, m, d+1, 0, 0, 0, 0, saoPaulo())
	return !now.Before(nextDay), true
}
