package outbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func TestDuplicateCandidates(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	first := time.Date(2026, 3, 10, 14, 0, 0, 0, sp)
	ms := func(d time.Duration) time.Time { return first.Add(d) }
	proto := func(n string, typ int, subject string, at time.Time) model.Protocol {
		p := model.Protocol{Number: n, Type: model.Ref{ID: typ}, Subject: subject, Registered: at, RegisteredP: model.Exact,
			Requester: model.Party{ChaveUnica: "13331584754"}}
		if at.IsZero() {
			p.RegisteredP = model.Unreadable
		}
		return p
	}
	day := func(p model.Protocol) model.Protocol {
		y, m, d := p.Registered.In(sp).Date()
		p.Registered, p.RegisteredP = time.Date(y, m, d, 0, 0, 0, 0, sp), model.DayOnly
		return p
	}
	names := map[[2]int]string{{128, 174}: "Segunda via de boleto"}
	resolver := func(typ, subj int) string { return names[[2]int{typ, subj}] }
	req := model.Occurrence{TypeID: 128, SubjectID: 174, Requester: model.Party{Name: "Patrick", ChaveUnica: "13331584754"}}

	tests := []struct {
		name     string
		req      func(r model.Occurrence) model.Occurrence
		resolver func(int, int) string
		list     []model.Protocol
		want     []string
	}{
		{"same type, subject and time", nil, resolver,
			[]model.Protocol{proto("1", 128, "Segunda via de boleto", ms(time.Second))}, []string{"1"}},
		{"subject compared ignoring case and spaces", nil, resolver,
			[]model.Protocol{proto("1", 128, "  segunda VIA de boleto ", ms(time.Second))}, []string{"1"}},
		{"other type", nil, resolver,
			[]model.Protocol{proto("1", 171, "Segunda via de boleto", ms(time.Second))}, nil},
		{"other subject", nil, resolver,
			[]model.Protocol{proto("1", 128, "Atualização cadastral", ms(time.Second))}, nil},
		{"no subject on either side", func(r model.Occurrence) model.Occurrence { r.SubjectID = 0; return r },
			resolver, []model.Protocol{proto("1", 128, "", ms(time.Second))}, []string{"1"}},
		{"subject expected but listed without one", nil, resolver,
			[]model.Protocol{proto("1", 128, "", ms(time.Second))}, nil},
		{"unnamed subject is not compared", nil, nil,
			[]model.Protocol{proto("1", 128, "Qualquer", ms(time.Second))}, []string{"1"}},
		{"within the clock-skew allowance", nil, resolver,
			[]model.Protocol{proto("1", 128, "Segunda via de boleto", ms(-119*time.Second))}, []string{"1"}},
		{"registered before the first attempt", nil, resolver,
			[]model.Protocol{proto("1", 128, "Segunda via de boleto", ms(-3*time.Minute))}, nil},
		{"unreadable date is never taken", nil, resolver,
			[]model.Protocol{proto("1", 128, "Segunda via de boleto", time.Time{})}, nil},
		{"another requester", nil, resolver, []model.Protocol{func() model.Protocol {
			p := proto("1", 128, "Segunda via de boleto", ms(time.Second))
			p.Requester.ChaveUnica = "52998224725"
			return p
		}()}, nil},
		{"a day alone counts from the first attempt's day", nil, resolver,
			[]model.Protocol{day(proto("1", 128, "Segunda via de boleto", ms(-13*time.Hour)))}, []string{"1"}},
		{"a day before the first attempt's is not", nil, resolver,
			[]model.Protocol{day(proto("1", 128, "Segunda via de boleto", ms(-25*time.Hour)))}, nil},
		{"oldest first, others filtered", nil, resolver, []model.Protocol{
			proto("3", 128, "Segunda via de boleto", ms(3*time.Second)),
			proto("x", 171, "Segunda via de boleto", ms(2*time.Second)),
			proto("2", 128, "Segunda via de boleto", first.Add(2*time.Second)),
			proto("old", 128, "Segunda via de boleto", ms(-48*time.Hour)),
		}, []string{"2", "3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Sender{opt: Options{ClockSkew: DefaultClockSkew, SubjectName: tc.resolver}}
			r := req
			if tc.req != nil {
				r = tc.req(r)
			}
			it := Item{ID: "A", Occurrence: r, FirstAttemptAt: first, Uncertain: true}
			cands, _ := s.candidates(it, tc.list)
			assert.Equal(t, tc.want, nilIfEmpty(cands))
		})
	}

	t.Run("never attempted", func(t *testing.T) {
		s := &Sender{opt: Options{ClockSkew: DefaultClockSkew, SubjectName: resolver}}
		it := Item{ID: "A", Occurrence: req}
		cands, _ := s.candidates(it, []model.Protocol{proto("1", 128, "Segunda via de boleto", ms(0))})
		assert.Empty(t, cands)
	})
}

func TestBackoffIsBoundedFullJitter(t *testing.T) {
	s := &Sender{opt: Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: time.Second}}
	for attempt, ceil := range map[int]time.Duration{0: 10 * time.Millisecond, 1: 10 * time.Millisecond,
		2: 20 * time.Millisecond, 5: 160 * time.Millisecond, 8: time.Second, 80: time.Second} {
		for range 200 {
			d := s.backoff(attempt)
			assert.GreaterOrEqual(t, d, time.Duration(0))
			assert.LessOrEqual(t, d, ceil, "attempt %d", attempt)
		}
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestUnreadableDateGoesToAPerson(t *testing.T) {
	first := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s := &Sender{opt: Options{ClockSkew: DefaultClockSkew}}
	it := Item{ID: "A", Occurrence: model.Occurrence{TypeID: 128, Requester: model.Party{ChaveUnica: "1"}},
		FirstAttemptAt: first, Uncertain: true}
	cands, unreadable := s.candidates(it, []model.Protocol{
		{Number: "1", Type: model.Ref{ID: 128}, RegisteredP: model.Unreadable},
		{Number: "2", Type: model.Ref{ID: 128}, Registered: first.Add(time.Second), RegisteredP: model.Exact},
		{Number: "3", Type: model.Ref{ID: 171}, RegisteredP: model.Unreadable},
	})
	assert.Equal(t, []string{"2"}, cands)
	assert.Equal(t, []string{"1"}, unreadable, "a look-alike whose date cannot be read: the check cannot decide")
}
