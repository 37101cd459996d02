package beneficiary

import (
	"context"
	"io"
	"sort"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
)

// untilLoaded runs the screen in a real Bubble Tea program (which runs batched commands concurrently, as the
// console does) and quits when no call is in flight any more.
type untilLoaded struct{ m *Model }

func (u untilLoaded) Init() tea.Cmd { return u.m.Init() }

func (u untilLoaded) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c, cmd := u.m.Update(msg)
	u.m = c.(*Model)
	if !u.m.Loading() {
		return u, tea.Quit
	}
	return u, cmd
}

func (u untilLoaded) View() string { return "" }

// BenchmarkOpenAt200msLatency opens a beneficiary against the real sandbox answering every call after 200 ms, with the
// real clients, and compares the time until every tab has its data with the slowest single call measured alone:
// the seven calls run concurrently, so the ratio should stay near 1 (issue target ≤ 1.2), not near 7.
func BenchmarkOpenAt200msLatency(b *testing.B) {
	live := uitest.StartSandbox(b, 1000, 200*time.Millisecond)
	svc, ben, ctx := live.Services, live.Beneficiary, context.Background()

	calls := map[string]func() error{
		"contract": func() error { _, err := svc.TOTVS.Contract(ctx, ben.Card); return err },
		"family":   func() error { _, err := svc.TOTVS.Family(ctx, ben.Card); return err },
		"classes":  func() error { _, err := svc.TOTVS.GraceClasses(ctx, ben.Card); return err },
		"groups":   func() error { _, err := svc.TOTVS.GraceGroups(ctx, ben.Card); return err },
		"authorizations": func() error {
			_, err := svc.TOTVS.Authorizations(ctx, ben.Card, model.AuthorizationQuery{
				Window: model.LastDays(time.Now(), model.DefaultAuthorizationDays), Page: 1})
			return err
		},
		"billing": func() error {
			_, err := svc.TOTVS.BillingMonth(ctx, ben.Card, model.MonthOf(time.Now()), model.MonthOf(time.Now()))
			return err
		},
		"protocols": func() error {
			_, err := svc.Mosia.LatestProtocols(ctx, ben.ChaveUnica, DefaultProtocols)
			return err
		},
	}
	var slowest time.Duration
	for name, call := range calls {
		t0 := time.Now()
		if err := call(); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		slowest = max(slowest, time.Since(t0))
	}

	runs := max(b.N, 5)
	took := make([]time.Duration, 0, runs)
	b.ResetTimer()
	for i := 0; i < runs; i++ {
		m := New(common.NewContext(svc, common.Session{}), common.OpenBeneficiaryMsg{Beneficiary: ben})
		m.SetSize(200, 50)
		p := tea.NewProgram(untilLoaded{m}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(),
			tea.WithoutSignalHandler())
		t0 := time.Now()
		final, err := p.Run()
		took = append(took, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		fm := final.(untilLoaded).m
		for k, l := range fm.loads {
			if !l.loaded || l.err != nil {
				b.Fatalf("call %d did not load: %+v", k, l)
			}
		}
		fm.Close()
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	med := took[len(took)/2]
	b.ReportMetric(float64(slowest)/float64(time.Millisecond), "slowest_call_ms")
	b.ReportMetric(float64(med)/float64(time.Millisecond), "all_tabs_ms")
	b.ReportMetric(float64(med)/float64(slowest), "ratio")
}
