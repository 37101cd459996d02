package common

import (
	"strings"
	"time"

	"github.com/balcao/balcao/model"
)

// Badge renders a beneficiary's situation as a coloured badge that always carries its text (never colour alone).
func Badge(st *Styles, situation string) string {
	s := strings.TrimSpace(situation)
	if s == "" {
		return ""
	}
	switch model.FoldText(s) {
	case situationActive:
		return st.BadgeActive.Render(s)
	case situationBlocked:
		return st.BadgeBlocked.Render(s)
	case situationFuture:
		return st.BadgeFuture.Render(s)
	}
	return st.BadgeNeutral.Render(s)
}

// The situations TOTVS sends, folded as Badge compares them (any case, with or without accents).
var (
	situationActive  = model.FoldText(model.SituationActive)
	situationBlocked = model.FoldText(model.SituationBlocked)
	situationFuture  = model.FoldText(model.SituationFutureBlock)
)

// DateBR renders a TOTVS or directory date as DD/MM/AAAA; an unreadable value is shown as it came.
func DateBR(s string) string {
	if t, ok := model.ParseDate(s); ok {
		return model.FormatDateBR(t)
	}
	return strings.TrimSpace(s)
}

// DateTime renders a time as DD/MM/AAAA HH:MM in São Paulo; an unknown (zero) time renders "".
func DateTime(t time.Time) string { return model.FormatDateTimeBR(t) }
