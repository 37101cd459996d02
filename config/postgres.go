package config

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/balcao/balcao/i18n"
)

// Postgres is fleet mode: many instances on one PostgreSQL database (docs/deploy.md).
type Postgres struct {
	URL  string   `toml:"url"`  // postgres://user@host:5432/balcao?sslmode=verify-full; "" = one machine (SQLite)
	Poll Duration `toml:"poll"` // how often the directory's generation is checked without a notification (0: 30s)
}

// Fleet reports whether balcão runs in fleet mode.
func (c *Config) Fleet() bool { return c.Postgres.URL != "" }

// validate checks the URL's form (the database itself is reached at start) and that fleet mode has real
// upstreams: the demo's sandbox and directory belong to one machine.
func (p Postgres) validate(demo bool) error {
	if p.URL == "" {
		return nil
	}
	if strings.Contains(p.URL, "://") {
		u, err := url.Parse(p.URL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" && u.Query().Get("host") == "" {
			return &Error{Key: "postgres.url", Reason: i18n.ConfigPostgresURL}
		}
	} else if !strings.Contains(p.URL, "=") {
		return &Error{Key: "postgres.url", Reason: i18n.ConfigPostgresURL}
	}
	if demo {
		return &Error{Key: "postgres.url", Reason: i18n.ConfigPostgresDemo}
	}
	if p.Poll.Duration < 0 {
		return &Error{Key: "postgres.poll", Reason: "deve ser maior que zero (por exemplo 30s)"}
	}
	return nil
}

// SpillPath is the outbox's local spill in fleet mode: occurrences accepted while the database is out of reach.
func (c *Config) SpillPath() string {
	return filepath.Join(filepath.Dir(c.DB), "ocorrencias-espera.db")
}

// AuditQueuePath is the access record's local queue in fleet mode: lines waiting to be shipped to the database.
func (c *Config) AuditQueuePath() string {
	return filepath.Join(filepath.Dir(c.DB), "acessos-envio.db")
}
