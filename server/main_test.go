package server

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/sandbox"
)

// TestMain builds a benchmark directory when run as the build helper, and removes the benchmark's files.
func TestMain(m *testing.M) {
	if spec := os.Getenv(benchBuildEnv); spec != "" {
		path, n, _ := strings.Cut(spec, "|")
		size, _ := strconv.Atoi(n)
		ds := sandbox.NewDatasetAt(benchSeed, size, benchNow)
		if err := directory.Build(context.Background(), path, ds.Len(), ds.Beneficiary); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if benchTmp != "" {
		_ = os.RemoveAll(benchTmp)
	}
	os.Exit(code)
}
