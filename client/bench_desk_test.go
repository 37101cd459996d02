package client_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// BenchmarkOpenBeneficiarySevenCalls opens the seed card the way the console's seven tabs do — contract, family,
// grace classes and groups, authorizations, billing, latest protocols — all at once against the sandbox with
// 200 ms on every call, and reports the wall time as a multiple of one call (target ≤ 1.2: the clients add no
// serialisation of their own). The OAuth2 token is fetched before timing, as an open console holds one.
func BenchmarkOpenBeneficiarySevenCalls(b *testing.B) {
	const latency = 200 * time.Millisecond
	sb := sandbox.New(sandbox.Options{Seed: 7, Beneficiaries: 300, Faults: sandbox.Faults{Latency: latency}})
	require.NoError(b, sb.Start("127.0.0.1:0"))
	b.Cleanup(func() { _ = sb.Close() })
	o := sb.Options()
	tc := totvs.New(totvs.Options{BaseURL: sb.TOTVSURL(), User: o.TOTVSUser, Password: o.TOTVSPassword, OAuth2: true, PageSize: 50})
	mc := mosia.New(mosia.Options{BaseURL: sb.MosiaURL(), Token: o.MosiaToken})
	b.Cleanup(func() { _ = tc.Close(); _ = mc.Close() })
	ctx := context.Background()
	card, chave := sandbox.SeedHernandesCard, "23576483098"
	require.NoError(b, tc.Ping(ctx))
	now := sb.Dataset().Now()
	month := model.MonthOfDate(now)
	calls := []func() error{
		func() error { _, err := tc.Contract(ctx, card); return err },
		func() error { _, err := tc.Family(ctx, card); return err },
		func() error { _, err := tc.GraceClasses(ctx, card); return err },
		func() error { _, err := tc.GraceGroups(ctx, card); return err },
		func() error {
			_, err := tc.Authorizations(ctx, card, model.AuthorizationQuery{Window: model.LastDays(now, model.DefaultAuthorizationDays)})
			return err
		},
		func() error { _, err := tc.BillingMonth(ctx, card, month, month); return err },
		func() error { _, err := mc.LatestProtocols(ctx, chave, 5); return err },
	}
	var worst float64
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, len(calls))
		for i, call := range calls {
			wg.Go(func() { errs[i] = call() })
		}
		wg.Wait()
		ratio := float64(time.Since(start)) / float64(latency)
		worst = max(worst, ratio)
		for _, err := range errs {
			require.NoError(b, err)
		}
	}
	b.ReportMetric(worst, "worst×call")
}
