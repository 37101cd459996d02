package uitest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/benchdata"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

// realDirectory is what the fixtures use of the real beneficiary directory.
type realDirectory interface {
	common.Directory
	Upsert(ctx context.Context, bs []model.Beneficiary) error
	Warm(ctx context.Context) error
}

// openDirectory opens (creating it when missing) the real beneficiary directory at path, closed when the test ends.
// It is the UI's one reference to the directory's package.
func openDirectory(tb testing.TB, path string) realDirectory {
	tb.Helper()
	dir, err := directory.Open(context.Background(), path, directory.Options{})
	if err != nil {
		tb.Fatalf("open directory: %v", err)
	}
	tb.Cleanup(func() { _ = dir.Close() })
	return dir
}

// loadDirectory opens a real directory in a temp dir and loads the first n beneficiaries of ds.
func loadDirectory(tb testing.TB, ds *sandbox.Dataset, n int) common.Directory {
	tb.Helper()
	dir := openDirectory(tb, filepath.Join(tb.TempDir(), "dir.db"))
	bs := make([]model.Beneficiary, 0, n)
	for i := 0; i < n && i < ds.Len(); i++ {
		bs = append(bs, ds.Beneficiary(i))
	}
	if err := dir.Upsert(context.Background(), bs); err != nil {
		tb.Fatalf("load directory: %v", err)
	}
	return dir
}

// BenchDirectory is the demo directory of n beneficiaries, built once and cached under the user cache dir
// (balcao-bench/, shared with cmd/balcao's start-up benchmark), opened and warmed; the benchmark is skipped when
// there is no user cache dir.
func BenchDirectory(b *testing.B, n int) common.Directory {
	b.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		b.Skip("no user cache dir")
	}
	path, err := demo.Directory(context.Background(), filepath.Join(cache, "balcao-bench", "demo-cache", "balcao"), 1, n)
	if err != nil {
		b.Fatalf("build the demo directory: %v", err)
	}
	dir := openDirectory(b, path)
	if err := dir.Warm(context.Background()); err != nil {
		b.Fatalf("warm the directory: %v", err)
	}
	return dir
}

// BenchDataDirectory is the benchmarks' directory of n people (benchdata.Directory: past the demo's size
// limit, up to ten million), built once and cached under the user cache dir (balcao-bench/), opened and
// warmed.
func BenchDataDirectory(b *testing.B, n int) common.Directory {
	b.Helper()
	path, err := benchdata.Directory(context.Background(), n)
	if err != nil {
		b.Fatalf("build the benchmark directory: %v", err)
	}
	dir := openDirectory(b, path)
	if err := dir.Warm(context.Background()); err != nil {
		b.Fatalf("warm the directory: %v", err)
	}
	return dir
}

// Live is the sandbox server with the console's real TOTVS and Mosia clients talking to it over HTTP.
type Live struct {
	Services    *common.Services  // TOTVS and Mosia only
	Beneficiary model.Beneficiary // the seed holder, HERNANDES ALVES DA SILVA
}

// StartSandbox starts the sandbox over n beneficiaries answering every call after latency, and real clients for it;
// all are closed when the test ends. The TOTVS token is fetched once first, as in a running console.
func StartSandbox(tb testing.TB, n int, latency time.Duration) *Live {
	tb.Helper()
	sb := sandbox.New(sandbox.Options{Beneficiaries: n, Faults: sandbox.Faults{Latency: latency}})
	if err := sb.Start("127.0.0.1:0"); err != nil {
		tb.Fatalf("start the sandbox: %v", err)
	}
	tb.Cleanup(func() { _ = sb.Close() })
	o := sb.Options()
	tc := totvs.New(totvs.Options{BaseURL: sb.TOTVSURL(), User: o.TOTVSUser, Password: o.TOTVSPassword, OAuth2: true, PageSize: 50})
	mc := mosia.New(mosia.Options{BaseURL: sb.MosiaURL(), Token: o.MosiaToken})
	tb.Cleanup(func() { _, _ = tc.Close(), mc.Close() })
	ben, ok := sb.Dataset().ByCard(SeedHernandesCard)
	if !ok {
		tb.Fatalf("seed card %s not in the dataset", SeedHernandesCard)
	}
	if _, err := tc.Contract(context.Background(), ben.Card); err != nil {
		tb.Fatalf("first TOTVS call: %v", err)
	}
	return &Live{Services: &common.Services{TOTVS: tc, Mosia: mc}, Beneficiary: ben}
}
