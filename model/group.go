package model

// ContractGroup is the search results of one contract, in rank order.
type ContractGroup struct {
	Contract ContractRef
	Matches  []Match
}

// GroupByContract groups ranked matches by contract, groups ordered by their best match, rows adjacent.
//
// ms must already be in rank order (best first); that order is kept inside each group and groups follow their
// first (best) match. Contracts are told apart by Number; all matches without a number share one group whose
// Contract.Number is "" (the UI labels it "sem contrato"). A group's Description is the first non-empty one seen.
func GroupByContract(ms []Match) []ContractGroup {
	if len(ms) == 0 {
		return nil
	}
	index := make(map[string]int, 8)
	var groups []ContractGroup
	for _, m := range ms {
		i, ok := index[m.Contract.Number]
		if !ok {
			i = len(groups)
			index[m.Contract.Number] = i
			groups = append(groups, ContractGroup{Contract: m.Contract})
		}
		g := &groups[i]
		if g.Contract.Description == "" {
			g.Contract.Description = m.Contract.Description
		}
		g.Matches = append(g.Matches, m)
	}
	return groups
}
