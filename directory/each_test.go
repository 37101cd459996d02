package directory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/model"
)

// Each hands out every beneficiary once, normalised as stored (a rebuild from its output is the same directory),
// and stops at the first error of its callback.
func TestEachStreamsEveryBeneficiary(t *testing.T) {
	ctx := context.Background()
	people := dirtest.People()
	d := dirtest.Open(t, people)
	var got []model.Beneficiary
	require.NoError(t, d.Each(ctx, func(b model.Beneficiary) error { got = append(got, b); return nil }))
	require.Len(t, got, len(people))
	var want []model.Beneficiary
	for _, p := range people {
		n, err := directory.Normalize(p)
		require.NoError(t, err)
		slices.SortFunc(n.Contracts, func(x, y model.ContractRef) int { return strings.Compare(x.Number, y.Number) })
		want = append(want, n)
	}
	byKey := func(a, b model.Beneficiary) int { return strings.Compare(a.ChaveUnica+a.Card, b.ChaveUnica+b.Card) }
	slices.SortFunc(got, byKey)
	slices.SortFunc(want, byKey)
	assert.Equal(t, want, got)

	stop := errors.New("stop")
	n := 0
	err := d.Each(ctx, func(model.Beneficiary) error { n++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, n)
}
