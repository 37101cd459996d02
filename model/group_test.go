package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func match(name, number, desc string, score float64) Match {
	return Match{Beneficiary: Beneficiary{Name: name}, Contract: ContractRef{Number: number, Description: desc}, Score: score}
}

func names(g ContractGroup) []string {
	out := make([]string, len(g.Matches))
	for i, m := range g.Matches {
		out[i] = m.Beneficiary.Name
	}
	return out
}

func TestGroupByContract(t *testing.T) {
	assert.Nil(t, GroupByContract(nil))

	ms := []Match{
		match("ana", "0000002", "MS GOLD", 9),
		match("joao", "0000001", "", 8),
		match("bia", "", "", 7),
		match("caio", "0000002", "MS GOLD", 6),
		match("joao", "0000001", "MS PLATINUM", 5),
		match("duda", "", "", 4),
		match("eva", "0000003", "MS PRATA", 3),
		match("fabio", "0000002", "MS GOLD", 2),
	}
	got := GroupByContract(ms)
	assert.Len(t, got, 4)

	assert.Equal(t, ContractRef{Number: "0000002", Description: "MS GOLD"}, got[0].Contract)
	assert.Equal(t, []string{"ana", "caio", "fabio"}, names(got[0]))

	assert.Equal(t, ContractRef{Number: "0000001", Description: "MS PLATINUM"}, got[1].Contract, "first non-empty description")
	assert.Equal(t, []string{"joao", "joao"}, names(got[1]))

	assert.Equal(t, "", got[2].Contract.Number, "one group for matches without a contract")
	assert.Equal(t, []string{"bia", "duda"}, names(got[2]))

	assert.Equal(t, []string{"eva"}, names(got[3]))

	total := 0
	for _, g := range got {
		total += len(g.Matches)
	}
	assert.Equal(t, len(ms), total, "no row lost or duplicated")
}
