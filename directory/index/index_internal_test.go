package index

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	back := writeAndMap(t, n, "g1")
	assert.Equal(t, n.conOff, back.conOff)
	assert.Equal(t, n.conHash, back.conHash)
	assert.Equal(t, []int64{104, 106}, back.ContractRKs("20", 0))
}

// writeAndMap writes n through a FileWriter and maps the file back.
func writeAndMap(t *testing.T, n *Index, gen string) *Index {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "idx")
	w, err := NewFileWriter(path, func(name string) (*os.File, error) {
		return os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	})
	require.NoError(t, err)
	for o := range n.Len() {
		w.Add(n.rks[o], n.wordStrings(o), n.extra(o))
	}
	require.NoError(t, w.Finish(gen))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1, "the part files are removed")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	m, err := Map(path, gen)
	require.NoError(t, err)
	return m
}

// wordStrings returns row o's words.
func (n *Index) wordStrings(o int) []string {
	var out []string
	for _, id := range n.words(o) {
		out = append(out, n.vocab[id])
	}
	return out
}

// TestFileMatchesBuilder: an index written to a file in windows smaller than its lists and mapped back holds
// the very arrays the in-memory builder computes, and searches alike.
func TestFileMatchesBuilder(t *testing.T) {
	defer func(w uint32) { window = w }(window)
	for _, win := range []uint32{8 << 20, 7, 1000} {
		t.Run(fmt.Sprint(win), func(t *testing.T) {
			window = win
			r := rand.New(rand.NewPCG(3, uint64(win)))
			vocab := []string{"ana", "maria", "silva", "souza", "jose", "santos", "lima", "de", "da", "mar", "marina"}
			nb := NewBuilder(0)
			rk := int64(0)
			for range 3000 {
				rk += 1 + r.Int64N(5)
				var words []string
				for range 1 + r.IntN(4) {
					if w := vocab[r.IntN(len(vocab))]; !contains(words, w) {
						words = append(words, w)
					}
				}
				x := Extra{Birth: uint16(r.IntN(3)) * uint16(1+r.IntN(60000)), Phone: uint32(r.IntN(2)) * uint32(1+r.IntN(50)),
					Matricula: uint32(r.IntN(2)) * r.Uint32()}
				for range r.IntN(3) {
					x.Contracts = append(x.Contracts, uint32(1+r.IntN(40)))
				}
				x.Contracts = sortedDistinct(x.Contracts)
				nb.Add(rk, words, x)
			}
			n := nb.Finish()
			m := writeAndMap(t, n, "gen-1")
			assert.Equal(t, n.vocab, m.vocab)
			for name, pair := range map[string][2][]uint32{"rowOff": {n.rowOff, m.rowOff}, "rowWords": {n.rowWords, m.rowWords},
				"postOff": {n.postOff, m.postOff}, "posts": {n.posts, m.posts}, "byBirth": {n.byBirth, m.byBirth},
				"phone": {n.phone, m.phone}, "byPhone": {n.byPhone, m.byPhone}, "matric": {n.matric, m.matric},
				"byMatric": {n.byMatric, m.byMatric}, "conOff": {n.conOff, m.conOff}, "conHash": {n.conHash, m.conHash},
				"byCon": {n.byCon, m.byCon}} {
				assert.Equal(t, pair[0], pair[1], name)
			}
			assert.Equal(t, n.rks, m.rks)
			assert.Equal(t, n.birth, m.birth)
			for _, q := range [][]string{{"mar"}, {"maria", "silva"}, {"s"}, {"da", "lima"}} {
				assert.Equal(t, n.Search(q, 50), m.Search(q, 50), "%v", q)
			}
		})
	}
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

func sortedDistinct(xs []uint32) []uint32 {
	out := []uint32{}
	for v := uint32(0); v <= 41; v++ {
		for _, x := range xs {
			if x == v {
				out = append(out, v)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// TestMapRefusesOtherFiles: another generation, a damaged header or a cut file is refused with ErrFile.
func TestMapRefusesOtherFiles(t *testing.T) {
	nb := NewBuilder(0)
	nb.Add(1, []string{"ana"}, Extra{})
	n := nb.Finish()
	m := writeAndMap(t, n, "g")
	require.NotNil(t, m)
	dir := t.TempDir()
	path := filepath.Join(dir, "idx")
	w, err := NewFileWriter(path, func(name string) (*os.File, error) { return os.Create(filepath.Join(dir, name)) })
	require.NoError(t, err)
	w.Add(1, []string{"ana"}, Extra{})
	require.NoError(t, w.Finish("g"))
	_, err = Map(path, "h")
	assert.ErrorIs(t, err, ErrFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for name, bad := range map[string][]byte{"cut": b[:len(b)-8], "header": append([]byte{b[0] ^ 1}, b[1:]...),
		"count": append(append(append([]byte{}, b[:len(fileMagic)+genSize]...), b[len(fileMagic)+genSize]^1), b[len(fileMagic)+genSize+1:]...)} {
		require.NoError(t, os.WriteFile(path, bad, 0o600))
		_, err = Map(path, "g")
		assert.ErrorIs(t, err, ErrFile, name)
	}
}
