package index

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

// TestContractRKsFindsOwners checks the owner of each contract position, with rows without contracts around.
func TestContractRKsFindsOwners(t *testing.T) {
	nb := NewBuilder(0)
	rows := [][]string{nil, {"10"}, nil, nil, {"10", "20"}, nil, {"20"}, {"30"}}
	for i, cs := range rows {
		b := model.Beneficiary{Name: "x"}
		for _, c := range cs {
			b.Contracts = append(b.Contracts, model.ContractRef{Number: c})
		}
		nb.Add(int64(100+i), []string{"x"}, ExtraOf(&b))
	}
	n := nb.Finish()
	assert.Equal(t, []int64{101, 104}, n.ContractRKs("10", 0))
	assert.Equal(t, []int64{104, 106}, n.ContractRKs("20", 0))
	assert.Equal(t, []int64{107}, n.ContractRKs("30", 0))
	assert.Empty(t, n.ContractRKs("40", 0))
	back, err := Decode(n.Encode())
	require.NoError(t, err)
	assert.Equal(t, n.conOff, back.conOff)
	assert.Equal(t, n.conHash, back.conHash)
	assert.Equal(t, []int64{104, 106}, back.ContractRKs("20", 0))
}
