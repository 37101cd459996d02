package benchdata

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// TestPeoplePastTheDatasetLimit: past the sandbox dataset's size, people carry valid CPFs (never one of the
// first dataset's, never repeated) and cards under operator 0002 with their check digits; below it, People
// is the dataset itself.
func TestPeoplePastTheDatasetLimit(t *testing.T) {
	limit := sandbox.NewDatasetAt(Seed, 1<<30, Now).Len()
	p := NewPeople(limit + 2000)
	a := sandbox.NewDatasetAt(Seed, limit, Now)
	for _, i := range []int{0, 5, 100, limit - 1} {
		assert.Equal(t, a.Beneficiary(i), p.Beneficiary(i))
		assert.Equal(t, a.Beneficiary(i).Card, cardWithCheck(a.Beneficiary(i).Card[:16]), "the sandbox's check digit")
	}
	first := map[string]bool{}
	for i := range 5000 {
		first[a.Beneficiary(a.SeedCount()+i).CPF] = true
	}
	seen := map[string]bool{}
	for i := limit; i < limit+2000; i++ {
		x := p.Beneficiary(i)
		require.True(t, model.ValidCPF(x.CPF), "%s", x.CPF)
		assert.Equal(t, x.CPF, x.ChaveUnica)
		assert.False(t, seen[x.CPF] || first[x.CPF], "CPF %s repeated", x.CPF)
		seen[x.CPF] = true
		require.Len(t, x.Card, model.CardLen)
		assert.Equal(t, "0002", x.Card[:4])
		assert.Equal(t, x.Card, cardWithCheck(x.Card[:16]))
		assert.NotEmpty(t, x.Name)
	}
	var b bytes.Buffer
	rows, err := WriteCSV(&b, p, limit-5, limit+5)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rows, 10)
	assert.Equal(t, rows+1, bytes.Count(b.Bytes(), []byte{'\n'}))
}
