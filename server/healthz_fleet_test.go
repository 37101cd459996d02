package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// In fleet mode /healthz says whether the shared database answers, to anyone, and stays 200 (searches are
// answered from the index either way); with a credential it adds the generations and what waits locally. Each
// answer fits docs/openapi.yaml.
func TestHealthzReportsTheSharedDatabase(t *testing.T) {
	doc := loadOpenAPI(t)
	schema := doc.response(t, at(t, map[string]any(doc), "paths", "/healthz", "get"), http.StatusOK)["schema"]
	secret := "segredo-teste-longo"
	tests := []struct {
		name   string
		db     DatabaseStatus
		header []string
		want   string
	}{
		{"down, no credential", DatabaseStatus{Local: 3, Spilled: 2}, nil, `{"status":"ok","banco":"indisponivel"}`},
		{"up, no credential", DatabaseStatus{OK: true, Generation: 4, Local: 4}, nil, `{"status":"ok","banco":"ok"}`},
		{"down, credential", DatabaseStatus{Local: 3, Spilled: 2, Queued: 7}, []string{"Authorization", secret},
			`{"status":"ok","beneficiarios":3,"banco":"indisponivel","frota":{"geracao":0,"geracao_local":3,"ocorrencias_locais":2,"acessos_locais":7}}`},
		{"up, credential", DatabaseStatus{OK: true, Generation: 5, Local: 4}, []string{"Authorization", secret},
			`{"status":"ok","beneficiarios":3,"banco":"ok","frota":{"geracao":5,"geracao_local":4,"ocorrencias_locais":0,"acessos_locais":0}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db
			e := startServer(t, newDirectory(t, fixture), Options{Secret: secret,
				Database: func(context.Context) DatabaseStatus { return db }})
			code, b := e.do(t, http.MethodGet, "/healthz", "", tt.header...)
			require.Equal(t, http.StatusOK, code)
			assert.JSONEq(t, tt.want, string(b))
			var got any
			require.NoError(t, json.Unmarshal(b, &got))
			assert.NoError(t, doc.validate(t, schema, got))
		})
	}
}
