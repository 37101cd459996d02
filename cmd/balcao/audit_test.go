package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/audit"
)

func TestAuditCommandListsAndVerifies(t *testing.T) {
	e := env(t)
	home := strings.TrimPrefix(e[0], "HOME=")
	path := filepath.Join(home, "data", "balcao", "demo", "acessos.db")
	out, _, code := run(t, e, "audit", "verify") // a new, empty record holds
	require.Equal(t, 0, code, out)

	l, err := audit.Open(path)
	require.NoError(t, err)
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 14, 2, 0, 0, time.UTC)
	require.NoError(t, l.Record(ctx, audit.Entry{At: at, Who: "maria", Key: "SHA256:k1", Kind: audit.KindBeneficiary,
		Chaves: []string{"52998224725"}, What: "Contrato, Família"}))
	require.NoError(t, l.Record(ctx, audit.Entry{At: at.Add(time.Minute), Who: "mosia", Kind: audit.KindSearch,
		Chaves: []string{"23576483098", "52998224725"}, What: "cpf"}))
	require.NoError(t, l.Close())

	out, stderr, code := run(t, e, "audit", "--chave", "529.982.247-25")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "Acessos aos dados de 52998224725:")
	assert.Contains(t, out, "30/11/2026 11:02  maria (chave SSH SHA256:k1)  abriu o beneficiário: Contrato, Família")
	assert.Contains(t, out, "busca do painel do Mosia: cpf (e mais 1 pessoa)")
	assert.Contains(t, out, "2 acessos.")

	out, _, code = run(t, e, "audit", "--chave", "52998224725", "--desde", "01/12/2026")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Nenhum acesso registrado aos dados de 52998224725 desde 01/12/2026.")

	_, stderr, code = run(t, e, "audit")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "balcao audit --chave")
	_, stderr, code = run(t, e, "audit", "--chave", "1", "--desde", "ontem")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "data inválida")

	out, _, code = run(t, e, "audit", "verify")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Registro de acessos íntegro: 2 linhas")

	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE lines SET who = 'joao' WHERE seq = 1`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	out, stderr, code = run(t, e, "audit", "verify")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "linha 1:")
	assert.Contains(t, stderr, "o registro de acessos foi alterado")
}
