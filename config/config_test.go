package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func TestLoadDefaultsAreValidDemo(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	c, err := Load("", nil)
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	assert.True(t, c.Demo())
	assert.Equal(t, "", c.Source)
	assert.Equal(t, "127.0.0.1:8089", c.Server.Addr)
	assert.NotEmpty(t, c.Catalogue.Types, "demo mode gets the demonstration catalogue")
	assert.Equal(t, filepath.Join(filepath.Dir(c.DB), "ocorrencias.db"), c.OutboxPath())
}

func TestLoadPrecedenceFileThenEnv(t *testing.T) {
	p := writeFile(t, `
db = "/tmp/a.db"
[totvs]
url = "https://totvs.example/rest"
user = "u"
password = "p"
timeout = "3s"
[mosia]
url = "https://mosia.example"
token = "from-file"
[catalogo]
id_funcionalidade = 9298
[[catalogo.tipos]]
id = 469
nome = "Reclamação"
padrao = true
[[catalogo.tipos.assuntos]]
id = 309
nome = "Reembolso exame"
`)
	c, err := Load(p, []string{"BALCAO_MOSIA_TOKEN=from-env", "BALCAO_TOTVS_TIMEOUT=250ms", "OTHER=x"})
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	assert.False(t, c.Demo())
	assert.Equal(t, p, c.Source)
	assert.Equal(t, "/tmp/a.db", c.DB)
	assert.Equal(t, "from-env", c.Mosia.Token, "env wins over file")
	assert.Equal(t, 250*time.Millisecond, c.TOTVS.Timeout.Duration)
	typ, ok := c.Catalogue.DefaultType()
	require.True(t, ok)
	assert.Equal(t, "Reclamação", typ.Name)
	assert.Equal(t, []Subject{{ID: 309, Name: "Reembolso exame"}}, typ.Subjects)
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantKey string
	}{
		{"unknown key", "[totvs]\nurll = \"x\"\n", nil, "totvs.urll"},
		{"bad duration", "[mosia]\ntimeout = \"dez segundos\"\n", nil, "mosia.timeout"},
		{"bad env int", "", []string{"BALCAO_SANDBOX_BENEFICIARIES=muitos"}, "BALCAO_SANDBOX_BENEFICIARIES"},
		{"bad env bool", "", []string{"BALCAO_DEBUG=talvez"}, "BALCAO_DEBUG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.file), tt.env)
			var ce *Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.wantKey, ce.Key)
			assert.NotEmpty(t, ce.Reason)
		})
	}
}

func TestLoadMissingExplicitFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"), nil)
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "--config", ce.Key)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(c *Config)
		wantKey string
	}{
		{"only totvs", func(c *Config) { c.TOTVS.URL = "https://t/rest"; c.TOTVS.User, c.TOTVS.Password = "u", "p" }, "totvs.url/mosia.url"},
		{"bad url", func(c *Config) { c.TOTVS.URL = "totvs:8080" }, "totvs.url"},
		{"no password", func(c *Config) { c.TOTVS.URL, c.Mosia.URL, c.Mosia.Token = "http://t/rest", "http://m", "x" }, "totvs.user"},
		{"no token", func(c *Config) {
			c.TOTVS.URL, c.Mosia.URL, c.TOTVS.User, c.TOTVS.Password = "http://t/rest", "http://m", "u", "p"
		}, "mosia.token"},
		{"auth", func(c *Config) { c.TOTVS.Auth = "kerberos" }, "totvs.auth"},
		{"total", func(c *Config) { c.Mosia.TotalProtocolos = 11 }, "mosia.total_protocolos"},
		{"addr", func(c *Config) { c.Server.Addr = "8089" }, "server.addr"},
		{"prefix", func(c *Config) { c.Server.Prefix = "mosia/" }, "server.prefix"},
		{"production without catalogue", func(c *Config) {
			c.TOTVS.URL, c.Mosia.URL, c.TOTVS.User, c.TOTVS.Password, c.Mosia.Token = "http://t/rest", "http://m", "u", "p", "x"
		}, "catalogo.tipos"},
		{"dup type", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Types = append(c.Catalogue.Types, c.Catalogue.Types[0])
		}, "catalogo.tipos[6].id"},
		{"select without options", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Forms[0].Fields[4].Options = nil
		}, "catalogo.formularios[0].campos[4].opcoes"},
		{"field kind", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Forms[0].Fields[0].Kind = "date"
		}, "catalogo.formularios[0].campos[0].tipo"},
		{"status without name", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Statuses[1].Name = " "
		}, "catalogo.status[1]"},
		{"dup status", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Statuses = append(c.Catalogue.Statuses, c.Catalogue.Statuses[0])
		}, "catalogo.status[5].id"},
		{"dup reason", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Reasons = append(c.Catalogue.Reasons, c.Catalogue.Reasons[2])
		}, "catalogo.motivos[4].id"},
		{"reason id", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Reasons[0].ID = 0
		}, "catalogo.motivos[0]"},
		{"closing status without reasons", func(c *Config) {
			c.Catalogue = DefaultCatalogue()
			c.Catalogue.Reasons = nil
		}, "catalogo.motivos"},
		{"fallback timeout", func(c *Config) { c.Server.TOTVSTimeout = Duration{} }, "server.totvs_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mutate(c)
			var ce *Error
			require.ErrorAs(t, c.Validate(), &ce)
			assert.Equal(t, tt.wantKey, ce.Key)
		})
	}
}

func TestCatalogueDefaults(t *testing.T) {
	c := DefaultCatalogue()
	typ, ok := c.DefaultType()
	require.True(t, ok)
	assert.Equal(t, 128, typ.ID)
	sub, ok := typ.DefaultSubject()
	require.True(t, ok)
	assert.Equal(t, 173, sub.ID)
	_, ok = (Catalogue{}).DefaultType()
	assert.False(t, ok)
	got, ok := c.TypeByID(469)
	require.True(t, ok)
	_, ok = got.SubjectByID(403)
	assert.True(t, ok)
}

// The README lists every BALCAO_* variable balcão reads.
func TestReadmeListsEveryEnvVar(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	for _, ev := range EnvVars {
		assert.Contains(t, string(b), "`"+ev.Name+"`", "README.md must document %s", ev.Name)
	}
}

func TestStartupsAndDays(t *testing.T) {
	for in, want := range map[string][3]int{"10:30:100": {10, 30, 100}, "5": {5, 100, 5}, " 2:0:4 ": {2, 0, 4}} {
		got, ok := SSH{MaxStartups: in}.Startups()
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "0:30:100", "10:30", "a:b:c", "10:130:100", "10:30:5"} {
		_, ok := SSH{MaxStartups: bad}.Startups()
		assert.False(t, ok, bad)
	}
	var d Duration
	require.NoError(t, d.UnmarshalText([]byte("90d")))
	assert.Equal(t, 90*24*time.Hour, d.Duration)
	require.NoError(t, d.UnmarshalText([]byte("36h")))
	assert.Equal(t, 36*time.Hour, d.Duration)
	assert.Error(t, d.UnmarshalText([]byte("-3d")))
}

func TestStatusesReasonsAndFallbackFromFileAndEnv(t *testing.T) {
	p := writeFile(t, `
[server]
totvs_fallback = true
[catalogo]
[[catalogo.tipos]]
id = 469
nome = "Reclamação"
[[catalogo.status]]
id = 386
nome = "Em Atendimento (externo)"
[[catalogo.status]]
id = 249
nome = "Encerrado"
encerra = true
[[catalogo.motivos]]
id = 2261
nome = "Solicitação atendida"
[atendentes]
ana = 44
`)
	c, err := Load(p, []string{"BALCAO_SERVER_TOTVS_TIMEOUT=750ms"})
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	assert.True(t, c.Server.TOTVSFallback)
	assert.Equal(t, 750*time.Millisecond, c.Server.TOTVSTimeout.Duration)
	st, ok := c.Catalogue.StatusByID(249)
	require.True(t, ok)
	assert.Equal(t, StatusDef{ID: 249, Name: "Encerrado", Closes: true}, st)
	_, ok = c.Catalogue.StatusByID(1)
	assert.False(t, ok)
	r, ok := c.Catalogue.ReasonByID(2261)
	require.True(t, ok)
	assert.Equal(t, "Solicitação atendida", r.Name)
	assert.Equal(t, 44, c.Attendants["ana"])

	d := Default()
	assert.False(t, d.Server.TOTVSFallback, "off by default: Mosia's panel needs its answer fast")
	assert.Equal(t, 2*time.Second, d.Server.TOTVSTimeout.Duration)
}
