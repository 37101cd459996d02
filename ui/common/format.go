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
	case "ativo":
		return st.BadgeActive.Render(s)
	case "bloqueado":
		return st.BadgeBlocked.Render(s)
	case "bloqueio futuro":
		return st.BadgeFuture.Render(s)
	}
	return st.BadgeNeutral.Render(s)
}

// DateBR renders a TOTVS or directory date as DD/MM/AAAA; an unreadable value is shown as it came.
func DateBR(s string) string {
	if t, ok := model.ParseDate(s); ok {
		return model.FormatDateBR(t)
	}
	return strings.TrimSpace(s)
}

// DateTime renders a time as DD/MM/AAAA HH:MM in São Paulo; an unknown (zero) time renders "".
func DateTime(t time.Time) string { return model.FormatDateTimeBR(t) }
