package directory

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

func openStmtTest(t *testing.T) *Directory {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	people := []model.Beneficiary{{CPF: "52998224725", Card: "00011008000027010", Name: "João da Silva",
		Phone: "11987654321", IDMatricula: "123", Contracts: []model.ContractRef{{Number: "0000001"}}}}
	require.NoError(t, Build(ctx, path, len(people), func(i int) model.Beneficiary { return people[i] }))
	d, err := Open(ctx, path, Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// TestConcurrentSearchesOverManyStatements searches from 8 goroutines (GOMAXPROCS 8) with identifier
// combinations whose SQL texts are many more than the statement cache keeps: no search may fail because
// another one made room in the cache.
func TestConcurrentSearchesOverManyStatements(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	ctx := context.Background()
	d := openStmtTest(t) // after GOMAXPROCS: 8 searches run at once

	searches := 5_000 // per goroutine; the statement cache of old made a few of these fail
	if raceEnabled {
		searches = 250 // the race detector slows SQLite down 20 to 30 times
	}
	kinds := []model.IDKind{model.IDCPF, model.IDChaveUnica, model.IDCard, model.IDPhone, model.IDContract, model.IDMatricula}
	values := []string{"52998224725", "00011008000027010", "11987654321"}
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range searches {
				var q model.Query
				for range 1 + rng.IntN(5) { // each identifier's kinds change its part of the SQL
					id := model.Identifier{Value: values[rng.IntN(len(values))]}
					for set := 1 + rng.IntN(1<<len(kinds)-1); set > 0; set &= set - 1 {
						id.Kinds = append(id.Kinds, kinds[bits.TrailingZeros(uint(set))])
					}
					q.IDs = append(q.IDs, id)
				}
				if _, err := d.Search(ctx, q, 10); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	assert.Greater(t, d.stmts.prepared, 2*stmtCacheSize, "distinct statements")
	assert.LessOrEqual(t, d.stmts.lru.Len(), stmtCacheSize)
}

// TestHeldStatementOutlivesEviction holds a statement while more than the cache's worth of others are
// prepared: it still runs, and its last holder closes it.
func TestHeldStatementOutlivesEviction(t *testing.T) {
	ctx := context.Background()
	d := openStmtTest(t)
	held, err := d.stmts.get(ctx, `SELECT count(*) FROM beneficiaries`)
	require.NoError(t, err)
	for i := range stmtCacheSize + 10 {
		var n int
		require.NoError(t, d.queryRow(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&n))
		require.Equal(t, i, n)
	}
	var n int
	require.NoError(t, held.QueryRowContext(ctx).Scan(&n), "evicted while held")
	assert.Equal(t, 1, n)
	d.stmts.release(held)
	require.ErrorContains(t, held.QueryRowContext(ctx).Scan(&n), "statement is closed", "closed by its last holder")
	n, err = d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
