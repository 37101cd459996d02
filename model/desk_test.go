package model

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMoney(t *testing.T) {
	for in, want := range map[string]Money{"1234.56": 123456, "1234.5": 123450, "-12": -1200, "0": 0, "1.234,56": 123456,
		"R$ 10,00": 1000, "0.005": 1, "0.004": 0, "+3.1": 310, ".5": 50, "1599.999": 160000} {
		got, ok := ParseMoney(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "abc", "1.2.3", "12a", "1e5", "R$", "99999999999999999999"} {
		_, ok := ParseMoney(bad)
		assert.False(t, ok, bad)
	}
	for m, want := range map[Money]string{0: "R$ 0,00", 5: "R$ 0,05", 123456: "R$ 1.234,56", -1200: "-R$ 12,00",
		100000000: "R$ 1.000.000,00", 99: "R$ 0,99"} {
		assert.Equal(t, want, m.String())
	}
}

func TestWindowAndMonth(t *testing.T) {
	// 02:00 UTC on the 1st is still the 31st in São Paulo: the window ends on the attendant's day.
	now := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	w := LastDays(now, 90)
	assert.Equal(t, time.Date(2025, 5, 31, 0, 0, 0, 0, time.UTC), w.To)
	assert.Equal(t, time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), w.From)
	assert.Equal(t, 90, w.Days())
	prev := w.Shift(-1)
	assert.Equal(t, w.From.AddDate(0, 0, -1), prev.To, "the earlier window ends the day before")
	assert.Equal(t, 90, prev.Days())
	assert.Equal(t, w, prev.Shift(1))
	assert.True(t, w.Contains(time.Date(2025, 5, 31, 23, 59, 0, 0, time.UTC)))
	assert.False(t, w.Contains(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, 1, LastDays(now, 0).Days())
	assert.Zero(t, Window{From: w.To, To: w.From}.Days())

	assert.Equal(t, Month{2025, time.May}, MonthOf(now), "São Paulo's month")
	assert.Equal(t, Month{2025, time.June}, MonthOfDate(now), "the date's own month")
	m := Month{2025, time.January}
	assert.Equal(t, Month{2024, time.December}, m.Add(-1))
	assert.Equal(t, Month{2026, time.February}, m.Add(13))
	assert.True(t, m.Add(-1).Before(m))
	assert.False(t, m.Before(m))
	assert.Equal(t, "01/2025", m.String())
}

func TestFallbackKeyAndSatisfies(t *testing.T) {
	larissa := Beneficiary{Card: "00010001000091017", CPF: "71460238508", ChaveUnica: "71460238508",
		Name: "LARISSA MONTEIRO DUARTE", BirthDate: "1988-04-09"}
	tests := []struct {
		term      string
		key       string
		askable   bool
		satisfied bool
	}{
		{"larissa duarte", "larissa duarte", true, true},
		{"Duarte LARISSA", "duarte larissa", true, true},
		{"lar dua", "lar dua", true, true},
		{"larissa souza", "larissa souza", true, false},
		{"714.602.385-08", "71460238508", true, true},
		{"0001.0001.000091.01-7", "00010001000091017", true, true},
		{"larissa 09/04/1988", "larissa", true, true},
		{"larissa 10/04/1988", "larissa", true, false},
		{"09/04/1988", "", false, false},
		{"(27) 99812-4455", "", false, false},
		{"0000001", "", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		q := Classify(tt.term)
		key, ok := FallbackKey(q)
		assert.Equal(t, tt.askable, ok, tt.term)
		assert.Equal(t, tt.key, key, tt.term)
		if ok {
			assert.Equal(t, tt.satisfied, Satisfies(larissa, q), tt.term)
		}
	}
	noBirth := larissa
	noBirth.BirthDate = ""
	assert.False(t, Satisfies(noBirth, Classify("larissa 09/04/1988")), "a criterion that cannot be checked does not satisfy")
}

func TestFollowUpCheck(t *testing.T) {
	p := "1111120240710000017"
	tests := []struct {
		f    FollowUp
		kind FollowUpKind
		msg  string // "" when valid
	}{
		{FollowUp{Protocol: p, Note: &NoteAction{Text: "ok"}}, FollowUpNote, ""},
		{FollowUp{Protocol: p, Requester: "1", Status: &StatusAction{StatusID: 249, ReasonID: 1, Outcome: "x"}}, FollowUpStatus, ""},
		{FollowUp{Protocol: p, Activate: true}, FollowUpActivate, ""},
		{FollowUp{Protocol: " " + p + " ", Activate: true}, FollowUpActivate, ""},
		{FollowUp{Protocol: p}, FollowUpNone, "Escolha o que fazer"},
		{FollowUp{Protocol: p, Activate: true, Note: &NoteAction{Text: "x"}}, FollowUpNone, "Escolha o que fazer"},
		{FollowUp{Protocol: "11-22", Activate: true}, FollowUpActivate, "Protocolo inválido"},
		{FollowUp{Protocol: p, Note: &NoteAction{Text: "\n "}}, FollowUpNote, "Escreva o texto"},
		{FollowUp{Protocol: p, Note: &NoteAction{Text: strings.Repeat("a", MaxNoteRunes+1)}}, FollowUpNote, "longo demais (4001"},
		{FollowUp{Protocol: p, Note: &NoteAction{Text: "a\xffb"}}, FollowUpNote, "caracteres inválidos"},
		{FollowUp{Protocol: p, Status: &StatusAction{StatusID: 249}}, FollowUpStatus, "quem abriu"},
		{FollowUp{Protocol: p, Requester: "1", Status: &StatusAction{}}, FollowUpStatus, "novo status"},
		{FollowUp{Protocol: p, Requester: "1", Status: &StatusAction{StatusID: 249, Outcome: "x"}}, FollowUpStatus, "motivo de encerramento"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.kind, tt.f.Kind())
		err := tt.f.Check()
		if tt.msg == "" {
			assert.NoError(t, err)
			continue
		}
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrFollowUp))
		assert.Contains(t, err.Error(), tt.msg)
	}
}

func TestDetailHelpers(t *testing.T) {
	assert.True(t, IsPlaceholder(" Implementação Futura "))
	assert.True(t, IsPlaceholder("implementacao futura"))
	assert.False(t, IsPlaceholder("Whatsapp"))
	assert.True(t, SameNoteText("Ligou  de novo.\r\n", "Ligou de novo."))
	assert.False(t, SameNoteText("Ligou de novo", "Ligou de novo."))

	p := Protocol{Requester: Party{ChaveUnica: "133.315.847-54"}, Beneficiary: Party{ChaveUnica: "13331584754"}}
	assert.False(t, p.RequestedByOther(), "the same person, written two ways")
	p.Requester.ChaveUnica = "41823957609"
	assert.True(t, p.RequestedByOther(), "a dependent or a third party opened it")
	p.Requester.ChaveUnica = ""
	assert.False(t, p.RequestedByOther(), "unknown: not claimed")

	d := ProtocolDetail{SLADue: time.Date(2024, 7, 13, 15, 0, 0, 0, time.UTC)}
	assert.True(t, d.SLAOverdue(d.SLADue.Add(time.Second)))
	assert.False(t, d.SLAOverdue(d.SLADue))
}
