package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// fallbackRig is the busca service over the small fixture directory, with the real TOTVS client on the real
// sandbox: the sandbox's newcomers are in TOTVS and not in the directory.
type fallbackRig struct {
	sb  *sandbox.Sandbox
	env *testEnv
	new model.Beneficiary // a newcomer: in TOTVS, not in the directory
}

func newFallbackRig(t *testing.T, enabled bool, faults sandbox.Faults) *fallbackRig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 3, Beneficiaries: 200, Faults: faults})
	require.NoError(t, sb.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = sb.Close() })
	o := sb.Options()
	c := totvs.New(totvs.Options{BaseURL: sb.TOTVSURL(), User: o.TOTVSUser, Password: o.TOTVSPassword})
	t.Cleanup(func() { _ = c.Close() })
	opts := Options{FallbackTimeout: 500 * time.Millisecond}
	if enabled {
		opts.Fallback = c
	}
	return &fallbackRig{sb: sb, env: startServer(t, newDirectory(t, fixture), opts), new: sb.Dataset().Newcomers()[0]}
}

func (r *fallbackRig) totvsCalls() int64 { return r.sb.Requests("/rest/") }

func TestFallbackOffByDefaultNeverCallsTOTVS(t *testing.T) {
	r := newFallbackRig(t, false, sandbox.Faults{})
	code, b := r.env.busca(t, `{"nome": "larissa monteiro duarte"}`)
	assert.Equal(t, http.StatusOK, code)
	requireFailure(t, b, i18n.ServerNotFound)
	assert.Zero(t, r.totvsCalls(), "Mosia's panel needs its answer fast: TOTVS is not asked")
}

func TestFallbackFindsWhomTheDirectoryMisses(t *testing.T) {
	r := newFallbackRig(t, true, sandbox.Faults{})
	tests := []struct {
		name, body string
	}{
		{"by name", `{"nome": "larissa duarte"}`},
		{"by CPF", `{"cpf": "` + model.FormatCPF(r.new.CPF) + `"}`},
		{"by card", `{"carteirinha": "` + model.FormatCard(r.new.Card) + `"}`},
		{"by free term", `{"busca": "duarte monteiro larissa"}`},
		{"name and birth date", `{"nome": "larissa", "dataNascimento": "09/04/1988"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := r.env.busca(t, tt.body)
			require.Equal(t, http.StatusOK, code, "%s", b)
			ok := decodeOK(t, b)
			require.Len(t, ok.Beneficiarios, 1, "%s", b)
			row := ok.Beneficiarios[0]
			assert.Equal(t, r.new.CPF, row["chaveUnica"], "the CPF is the key Mosia gets")
			assert.Equal(t, "LARISSA MONTEIRO DUARTE", row["nome"])
			assert.Equal(t, "09/04/1988", row["data_nascimento"])
			assert.Contains(t, row, "numero_contrato", "every row carries the contract key, empty from TOTVS")
		})
	}
	assert.Contains(t, r.env.logs.String(), `"totvs_fallback":"found"`)
}

func TestFallbackOnlyWhenTheDirectoryMisses(t *testing.T) {
	r := newFallbackRig(t, true, sandbox.Faults{})
	code, b := r.env.busca(t, `{"cpf": "529.982.247-25"}`) // in the directory
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "João Paulo Souza", decodeOK(t, b).Beneficiarios[0]["nome"])
	assert.Zero(t, r.totvsCalls(), "the directory answered")

	// A criterion TOTVS's answers cannot be checked on (a phone) is not asked of it.
	code, b = r.env.busca(t, `{"telefone": "(27) 99999-0000"}`)
	assert.Equal(t, http.StatusOK, code)
	requireFailure(t, b, i18n.ServerNotFound)
	assert.Zero(t, r.totvsCalls())

	// A birth date that does not match what TOTVS has: its row is not shown.
	code, b = r.env.busca(t, `{"nome": "larissa duarte", "dataNascimento": "01/01/1990"}`)
	assert.Equal(t, http.StatusOK, code)
	requireFailure(t, b, i18n.ServerNotFound)
	assert.Positive(t, r.totvsCalls())
}

func TestFallbackSlowOrDownLeavesNotFound(t *testing.T) {
	for name, f := range map[string]sandbox.Faults{
		"slow": {Latency: 5 * time.Second, Scope: sandbox.ScopeTOTVS},
		"down": {FailRate: 1, Scope: sandbox.ScopeTOTVS},
	} {
		t.Run(name, func(t *testing.T) {
			r := newFallbackRig(t, true, f)
			code, b := r.env.busca(t, `{"nome": "larissa duarte"}`)
			assert.Equal(t, http.StatusOK, code)
			requireFailure(t, b, i18n.ServerNotFound)
			_, m := r.env.do(t, http.MethodGet, "/metrics", "")
			assert.Contains(t, string(m), `balcao_busca_totvs_fallback_total{outcome="error"} 1`)
			assert.Contains(t, r.env.logs.String(), "totvs fallback failed")
		})
	}
}

// Mosia requires nome on every row: it is there even when server.columns leaves it out of coluna.
func TestRowsCarryNomeOutsideTheColumns(t *testing.T) {
	cols, err := ColumnsFor([]string{"data_nascimento", "nome_mae"})
	require.NoError(t, err)
	e := startServer(t, newDirectory(t, fixture), Options{Columns: cols})
	code, b := e.busca(t, `{"cpf":"52998224725"}`)
	require.Equal(t, http.StatusOK, code)
	ok := decodeOK(t, b)
	assert.Len(t, ok.Coluna, 2)
	assert.Equal(t, map[string]string{"data_nascimento": "12/03/1980", "nome_mae": "Ana Souza", "chaveUnica": "52998224725",
		"nome": "João Paulo Souza", "numero_contrato": "0000001"}, ok.Beneficiarios[0])
}
