package directory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/model"
)

// TestRankOrderHalves checks that the two-halves sort of a big build gives the same order and keys as one
// plain sort by (rank base, folded name, identity), ties included.
func TestRankOrderHalves(t *testing.T) {
	for _, n := range []int{10, 4095, 4096, 9001} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			bk := NewBuilder(0)
			words := []string{"Ana", "Álvaro", "ana", "Bia", "José", "JOSE", "Zé", "Maria da Silva"}
			for i := 0; i < n; i++ {
				bk.AddNormalized(model.Beneficiary{
					ChaveUnica: fmt.Sprintf("%011d", (i*7919)%n),
					Card:       fmt.Sprint(i % 3),
					Name:       words[i%len(words)] + " " + words[(i/len(words))%len(words)],
				})
			}
			bk.merge()
			got, err := bk.rankOrder()
			require.NoError(t, err)
			want := make([]ranked, len(bk.merged))
			for i, p := range bk.merged {
				f := model.FoldText(p.b.Name)
				want[i] = ranked{i: i, base: index.RankBase(f), key: f}
			}
			slices.SortFunc(want, func(a, b ranked) int {
				ka, kb := bk.merged[a.i].key, bk.merged[b.i].key
				return cmp.Or(cmp.Compare(a.base, b.base), strings.Compare(a.key, b.key),
					strings.Compare(ka.chave, kb.chave), strings.Compare(ka.card, kb.card))
			})
			require.Len(t, got, len(want))
			for j := range want {
				require.Equal(t, want[j].i, got[j].i, "position %d", j)
				if j > 0 {
					require.Greater(t, got[j].rk, got[j-1].rk, "position %d", j)
				}
			}
		})
	}
}
