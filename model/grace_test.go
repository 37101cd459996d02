package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestGraceStatus(t *testing.T) {
	sp := saoPaulo()
	now := time.Date(2022, 1, 13, 15, 0, 0, 0, sp)
	tests := []struct {
		name, status, date string
		now                time.Time
		want               GraceState
	}{
		{"seed: cumprida without accent", "Carencia Cumprida", "2022-01-01", now, GraceDone},
		{"cumprida with accent", "Carência Cumprida", "2022-01-01", now, GraceDone},
		{"cumprida upper", "CARÊNCIA CUMPRIDA", "", now, GraceDone},
		{"cumprida wins over a future date", "Carencia Cumprida", "2030-01-01", now, GraceDone},
		{"em carencia future", "Em Carência", "2022-02-01", now, GraceRunning},
		{"em carencia no accent", "Em Carencia", "2022-02-01", now, GraceRunning},
		{"em carencia unknown date", "Em Carência", "", now, GraceRunning},
		{"em carencia ends today: still running", "Em Carência", "2022-01-13", now, GraceRunning},
		{"em carencia date passed", "Em Carência", "2022-01-12", now, GraceDone},
		{"nao cumprida is running", "Carência não cumprida", "2022-02-01", now, GraceRunning},
		{"empty status future", "", "2022-01-13", now, GraceRunning},
		{"empty status past", "", "2022-01-12", now, GraceDone},
		{"unknown status uses date", "Suspensa", "2022-01-12", now, GraceDone},
		{"no status no date", "", "", now, GraceUnknown},
		{"bad date", "?", "31/02/2022", now, GraceUnknown},
		{"end of day in São Paulo, 23:59 local", "", "2022-01-13", time.Date(2022, 1, 13, 23, 59, 0, 0, sp), GraceRunning},
		{"midnight local is the next day", "", "2022-01-13", time.Date(2022, 1, 14, 0, 0, 0, 0, sp), GraceDone},
		// 02:00 UTC on the 14th is still the 13th in São Paulo.
		{"UTC now after midnight UTC", "", "2022-01-13", time.Date(2022, 1, 14, 2, 0, 0, 0, time.UTC), GraceRunning},
		{"BR date format", "", "13/01/2022", now, GraceRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, GraceStatus(tt.status, tt.date, tt.now))
		})
	}
}
