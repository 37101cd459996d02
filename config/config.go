// Package config holds balcão's one Config value: defaults ← file ($XDG_CONFIG_HOME/balcao/config.toml or
// --config) ← BALCAO_* environment ← flags, validated at load with messages that name the bad key.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/balcao/balcao/i18n"
)

// Duration is a time.Duration written as "10s", "200ms" or "1h" in the file and the environment.
type Duration struct{ time.Duration }

// UnmarshalText reads a Go duration string, or a whole number of days ("90d").
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			d.Duration = time.Duration(n) * 24 * time.Hour
			return nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New(i18n.ConfigBadDuration(string(b)))
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }

// Config is everything balcão is told.
type Config struct {
	TOTVS      TOTVS          `toml:"totvs"`
	Mosia      Mosia          `toml:"mosia"`
	DB         string         `toml:"db"`         // the directory database file
	OutboxDB   string         `toml:"outbox_db"`  // the outbox database file (default: next to the directory)
	Attendant  string         `toml:"atendente"`  // the local attendant's id (default: the OS user)
	Server     Server         `toml:"server"`     // the buscaBeneficiarios service
	SSH        SSH            `toml:"ssh"`        // balcao ssh
	Outbox     Outbox         `toml:"outbox"`     // delivery of occurrences
	Sandbox    Sandbox        `toml:"sandbox"`    // the embedded sandbox (demo mode)
	Log        Log            `toml:"log"`        // where the log goes
	Audit      Audit          `toml:"audit"`      // the access record
	Catalogue  Catalogue      `toml:"catalogo"`   // occurrence types, subjects, forms
	Console    Console        `toml:"console"`    // the attendant console
	Attendants map[string]int `toml:"atendentes"` // attendant id (SSH user) → Mosia idAtendente
	Postgres   Postgres       `toml:"postgres"`   // fleet mode (docs/deploy.md); empty: one machine

	// Source records where the file came from ("" when none was read).
	Source string `toml:"-"`
}

// TOTVS is the TOTVS Saúde Planos (Protheus REST) upstream.
type TOTVS struct {
	URL      string   `toml:"url"` // …/rest
	User     string   `toml:"user"`
	Password string   `toml:"password"`
	Auth     string   `toml:"auth"` // "basic" or "oauth2"
	TenantID string   `toml:"tenant_id"`
	Timeout  Duration `toml:"timeout"`
	Retries  int      `toml:"retries"`
	PageSize int      `toml:"page_size"`
	MaxPages int      `toml:"max_pages"`
}

// Mosia is the Mosia Omnichannel upstream.
type Mosia struct {
	URL             string   `toml:"url"`
	Token           string   `toml:"token"`
	Timeout         Duration `toml:"timeout"`
	Retries         int      `toml:"retries"`
	TotalProtocolos int      `toml:"total_protocolos"`
}

// Server is the buscaBeneficiarios service.
type Server struct {
	Addr         string   `toml:"addr"`
	Prefix       string   `toml:"prefix"`
	SecretHeader string   `toml:"secret_header"`
	Secret       string   `toml:"secret"`
	AuthUser     string   `toml:"auth_user"`
	AuthPassword string   `toml:"auth_password"`
	TokenTTL     Duration `toml:"token_ttl"`
	MaxResults   int      `toml:"max_results"`
	Disabled     bool     `toml:"disabled"` // the console does not start it

	TLSCert     string   `toml:"tls_cert"`     // PEM certificate chain; reloaded when the file changes
	TLSKey      string   `toml:"tls_key"`      // PEM private key
	BehindProxy bool     `toml:"behind_proxy"` // a TLS proxy terminates in front: plain HTTP beyond loopback is fine
	MetricsAuth bool     `toml:"metrics_auth"` // /metrics asks for a credential too
	Columns     []string `toml:"columns"`      // the result columns shown to Mosia's attendant (default: all seven)
	Rate        float64  `toml:"rate"`         // searches per second a credential may make, sustained
	Burst       int      `toml:"burst"`        // searches a credential may make at once
	// TOTVSFallback makes the service ask TOTVS's search when the directory finds nobody (off by default: Mosia's
	// panel needs the answer fast); TOTVSTimeout bounds that call.
	TOTVSFallback bool     `toml:"totvs_fallback"`
	TOTVSTimeout  Duration `toml:"totvs_timeout"`
}

// MinSecret is the shortest static secret balcão accepts.
const MinSecret = 16

// HasCredential reports whether the busca service has a credential configured (a secret, or a user and password).
func (s Server) HasCredential() bool {
	return s.Secret != "" || s.AuthUser != "" && s.AuthPassword != ""
}

// validate checks the busca service's access: all-or-nothing credentials, a long secret, and, beyond this
// machine, a credential and TLS (its own, or a proxy's in front).
func (s Server) validate() error {
	switch {
	case s.AuthUser != "" && s.AuthPassword == "":
		return &Error{Key: "server.auth_password", Reason: i18n.ConfigUserWithoutPassword}
	case s.AuthUser == "" && s.AuthPassword != "":
		return &Error{Key: "server.auth_user", Reason: i18n.ConfigPasswordWithoutUser}
	case s.Secret != "" && len(s.Secret) < MinSecret:
		return &Error{Key: "server.secret", Reason: i18n.ConfigSecretTooShort(len(s.Secret), MinSecret)}
	case (s.TLSCert == "") != (s.TLSKey == ""):
		return &Error{Key: "server.tls_cert/server.tls_key", Reason: i18n.ConfigTLSPair}
	}
	if loopbackAddr(s.Addr) {
		return nil
	}
	switch {
	case !s.HasCredential():
		return &Error{Key: "server.secret", Reason: i18n.ConfigOpenToAnyone(s.Addr)}
	case s.TLSCert == "" && !s.BehindProxy:
		return &Error{Key: "server.tls_cert", Reason: i18n.ConfigNeedsTLS(s.Addr)}
	}
	return nil
}

// loopbackAddr reports whether HOST:PORT names this machine only ("" host, every interface, does not).
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SSH is balcao ssh.
type SSH struct {
	Addr                    string   `toml:"addr"`
	HostKey                 string   `toml:"host_key"`
	AuthorizedKeys          string   `toml:"authorized_keys"`
	MaxSessions             int      `toml:"max_sessions"`
	MaxSessionsPerAttendant int      `toml:"max_sessions_per_attendant"`
	IdleTimeout             Duration `toml:"idle_timeout"`
	LoginGrace              Duration `toml:"login_grace"`  // a connection without a session after this is closed
	MaxStartups             string   `toml:"max_startups"` // unauthenticated connections, OpenSSH's start:rate:full
}

// Startups reads MaxStartups ("10:30:100", or "10" for 10:100:10); ok is false when it cannot.
func (s SSH) Startups() (v [3]int, ok bool) {
	parts := strings.Split(strings.TrimSpace(s.MaxStartups), ":")
	if len(parts) == 1 {
		parts = []string{parts[0], "100", parts[0]}
	}
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return v, false
		}
		v[i] = n
	}
	return v, v[0] > 0 && v[1] <= 100 && v[2] >= v[0]
}

// Outbox is how occurrences are retried and how long sent ones are kept.
type Outbox struct {
	MinBackoff  Duration `toml:"min_backoff"`
	MaxBackoff  Duration `toml:"max_backoff"`
	MaxAttempts int      `toml:"max_attempts"`
	Retention   Duration `toml:"retention"` // sent items keep their content this long; then only protocol, times, attendant
	Lease       Duration `toml:"lease"`     // how long a sender holds an item; another instance takes it over after
}

// Sandbox is the embedded emulator used when no upstream is configured.
type Sandbox struct {
	Beneficiaries int      `toml:"beneficiaries"`
	Seed          int64    `toml:"seed"`
	Latency       Duration `toml:"latency"`
}

// Audit is the access record (who saw whose data; LGPD art. 37).
type Audit struct {
	File      string   `toml:"file"`      // default: next to the directory (acessos.db)
	Retention Duration `toml:"retention"` // lines older than this are dropped (default 5 years)
}

// Console is how the attendant console behaves.
type Console struct {
	StartTab       string   `toml:"start_tab"`       // the Beneficiário tab that opens first (ConsoleTabs); default resumo
	DraftRetention Duration `toml:"draft_retention"` // an abandoned draft is deleted after this (default 7 days)
}

// ConsoleTabs are the Beneficiário tabs console.start_tab may name, in the screen's order.
var ConsoleTabs = []string{"resumo", "contrato", "familia", "carencias", "autorizacoes", "financeiro", "protocolos"}

// validate checks the start tab and the retention.
func (c Console) validate() error {
	if c.StartTab != "" && !slices.Contains(ConsoleTabs, c.StartTab) {
		return &Error{Key: "console.start_tab", Reason: i18n.ConfigStartTab(c.StartTab, ConsoleTabs)}
	}
	if c.DraftRetention.Duration <= 0 {
		return &Error{Key: "console.draft_retention", Reason: i18n.ConfigDraftRetention}
	}
	return nil
}

// Log is where the log file lives.
type Log struct {
	File  string `toml:"file"`
	Debug bool   `toml:"debug"`
}

// Demo reports whether no upstream is configured: the console then runs on the embedded sandbox and demo directory.
func (c *Config) Demo() bool { return c.TOTVS.URL == "" && c.Mosia.URL == "" }

// Default returns the defaults, with paths under the XDG directories.
func Default() *Config {
	return &Config{
		TOTVS:   TOTVS{Auth: "basic", Timeout: Duration{10 * time.Second}, Retries: 2, PageSize: 50, MaxPages: 20},
		Mosia:   Mosia{Timeout: Duration{10 * time.Second}, Retries: 2, TotalProtocolos: 5},
		Console: Console{StartTab: "resumo", DraftRetention: Duration{7 * 24 * time.Hour}},
		DB:      filepath.Join(DataDir(), "diretorio.db"),
		Server: Server{Addr: "127.0.0.1:8089", SecretHeader: "Authorization", TokenTTL: Duration{time.Hour}, MaxResults: 50,
			Rate: 50, Burst: 500, TOTVSTimeout: Duration{2 * time.Second}},
		SSH: SSH{Addr: "127.0.0.1:2222", HostKey: filepath.Join(DataDir(), "ssh_host_ed25519"), MaxSessions: 50,
			MaxSessionsPerAttendant: 3, IdleTimeout: Duration{30 * time.Minute}, LoginGrace: Duration{30 * time.Second},
			MaxStartups: "10:30:100"},
		Outbox: Outbox{MinBackoff: Duration{2 * time.Second}, MaxBackoff: Duration{5 * time.Minute}, MaxAttempts: 0,
			Retention: Duration{90 * 24 * time.Hour}, Lease: Duration{2 * time.Minute}},
		Sandbox: Sandbox{Beneficiaries: 20000, Seed: 1},
		Log:     Log{File: filepath.Join(StateDir(), "balcao.log")},
		Audit:   Audit{Retention: Duration{5 * 365 * 24 * time.Hour}},
	}
}

// Path returns the config file path: explicit, else $XDG_CONFIG_HOME/balcao/config.toml.
func Path(explicit string) string {
	if explicit != "" {
		return explicit
	}
	return filepath.Join(xdg("XDG_CONFIG_HOME", ".config"), "balcao", "config.toml")
}

// DataDir is $XDG_DATA_HOME/balcao.
func DataDir() string { return filepath.Join(xdg("XDG_DATA_HOME", ".local/share"), "balcao") }

// StateDir is $XDG_STATE_HOME/balcao (logs).
func StateDir() string { return filepath.Join(xdg("XDG_STATE_HOME", ".local/state"), "balcao") }

// CacheDir is $XDG_CACHE_HOME/balcao (the demo directory).
func CacheDir() string { return filepath.Join(xdg("XDG_CACHE_HOME", ".cache"), "balcao") }

func xdg(env, fallback string) string {
	if v := os.Getenv(env); v != "" && filepath.IsAbs(v) {
		return v
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		home = os.TempDir()
	}
	return filepath.Join(home, fallback)
}

// Error is a configuration problem, naming the key and what to do.
type Error struct {
	Key    string // e.g. "totvs.url" or "BALCAO_TOTVS_URL"
	Reason string // pt-BR
}

func (e *Error) Error() string { return i18n.ConfigError(e.Key, e.Reason) }

// Load reads defaults ← file ← environment. explicitPath "" means the XDG path, whose absence is fine;
// an explicit path that does not exist is an error. Flags are applied by the caller, then Validate.
func Load(explicitPath string, environ []string) (*Config, error) {
	c := Default()
	p := Path(explicitPath)
	b, err := os.ReadFile(p)
	switch {
	case err == nil:
		dec := toml.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(c); err != nil {
			return nil, fileError(p, err)
		}
		c.Source = p
	case errors.Is(err, os.ErrNotExist) && explicitPath == "":
	default:
		return nil, &Error{Key: "--config", Reason: i18n.ConfigUnreadable(p, err)}
	}
	if err := c.applyEnv(environ); err != nil {
		return nil, err
	}
	return c, nil
}

func fileError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		key := strings.Join(strict.Errors[0].Key(), ".")
		return &Error{Key: key, Reason: fmt.Sprintf("chave desconhecida em %s (confira a grafia; veja `balcao info` e o README)", path)}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return &Error{Key: strings.Join(de.Key(), "."), Reason: fmt.Sprintf("%s linha %d coluna %d: %s", path, row, col, de.Error())}
	}
	return &Error{Key: path, Reason: err.Error()}
}

// EnvVar documents one BALCAO_* variable.
type EnvVar struct {
	Name string
	Help string // pt-BR, from i18n.EnvHelp
	set  func(c *Config, v string) error
}

func init() {
	for i := range EnvVars {
		EnvVars[i].Help = i18n.EnvHelp[EnvVars[i].Name]
	}
}

func str(p func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func integer(p func(c *Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errors.New(i18n.ConfigBadInteger(v))
		}
		*p(c) = n
		return nil
	}
}

func dur(p func(c *Config) *Duration) func(*Config, string) error {
	return func(c *Config, v string) error { return p(c).UnmarshalText([]byte(v)) }
}

func boolean(p func(c *Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return errors.New(i18n.ConfigBadBool(v))
		}
		*p(c) = b
		return nil
	}
}

// EnvVars lists every BALCAO_* variable balcão reads (the README lists the same).
var EnvVars = []EnvVar{
	{Name: "BALCAO_TOTVS_URL", set: str(func(c *Config) *string { return &c.TOTVS.URL })},
	{Name: "BALCAO_TOTVS_USER", set: str(func(c *Config) *string { return &c.TOTVS.User })},
	{Name: "BALCAO_TOTVS_PASSWORD", set: str(func(c *Config) *string { return &c.TOTVS.Password })},
	{Name: "BALCAO_TOTVS_AUTH", set: str(func(c *Config) *string { return &c.TOTVS.Auth })},
	{Name: "BALCAO_TOTVS_TENANT_ID", set: str(func(c *Config) *string { return &c.TOTVS.TenantID })},
	{Name: "BALCAO_TOTVS_TIMEOUT", set: dur(func(c *Config) *Duration { return &c.TOTVS.Timeout })},
	{Name: "BALCAO_MOSIA_URL", set: str(func(c *Config) *string { return &c.Mosia.URL })},
	{Name: "BALCAO_MOSIA_TOKEN", set: str(func(c *Config) *string { return &c.Mosia.Token })},
	{Name: "BALCAO_MOSIA_TIMEOUT", set: dur(func(c *Config) *Duration { return &c.Mosia.Timeout })},
	{Name: "BALCAO_DB", set: str(func(c *Config) *string { return &c.DB })},
	{Name: "BALCAO_OUTBOX_DB", set: str(func(c *Config) *string { return &c.OutboxDB })},
	{Name: "BALCAO_AUDIT_FILE", set: str(func(c *Config) *string { return &c.Audit.File })},
	{Name: "BALCAO_ATTENDANT", set: str(func(c *Config) *string { return &c.Attendant })},
	{Name: "BALCAO_SERVER_ADDR", set: str(func(c *Config) *string { return &c.Server.Addr })},
	{Name: "BALCAO_SERVER_PREFIX", set: str(func(c *Config) *string { return &c.Server.Prefix })},
	{Name: "BALCAO_SERVER_SECRET", set: str(func(c *Config) *string { return &c.Server.Secret })},
	{Name: "BALCAO_SERVER_SECRET_HEADER", set: str(func(c *Config) *string { return &c.Server.SecretHeader })},
	{Name: "BALCAO_SERVER_AUTH_USER", set: str(func(c *Config) *string { return &c.Server.AuthUser })},
	{Name: "BALCAO_SERVER_AUTH_PASSWORD", set: str(func(c *Config) *string { return &c.Server.AuthPassword })},
	{Name: "BALCAO_SERVER_DISABLED", set: boolean(func(c *Config) *bool { return &c.Server.Disabled })},
	{Name: "BALCAO_SERVER_TLS_CERT", set: str(func(c *Config) *string { return &c.Server.TLSCert })},
	{Name: "BALCAO_SERVER_TLS_KEY", set: str(func(c *Config) *string { return &c.Server.TLSKey })},
	{Name: "BALCAO_SERVER_BEHIND_PROXY", set: boolean(func(c *Config) *bool { return &c.Server.BehindProxy })},
	{Name: "BALCAO_SERVER_TOTVS_FALLBACK", set: boolean(func(c *Config) *bool { return &c.Server.TOTVSFallback })},
	{Name: "BALCAO_SERVER_TOTVS_TIMEOUT", set: dur(func(c *Config) *Duration { return &c.Server.TOTVSTimeout })},
	{Name: "BALCAO_SSH_ADDR", set: str(func(c *Config) *string { return &c.SSH.Addr })},
	{Name: "BALCAO_SSH_AUTHORIZED_KEYS", set: str(func(c *Config) *string { return &c.SSH.AuthorizedKeys })},
	{Name: "BALCAO_SSH_HOST_KEY", set: str(func(c *Config) *string { return &c.SSH.HostKey })},
	{Name: "BALCAO_SANDBOX_BENEFICIARIES", set: integer(func(c *Config) *int { return &c.Sandbox.Beneficiaries })},
	{Name: "BALCAO_CONSOLE_START_TAB", set: str(func(c *Config) *string { return &c.Console.StartTab })},
	{Name: "BALCAO_LOG", set: str(func(c *Config) *string { return &c.Log.File })},
	{Name: "BALCAO_DEBUG", set: boolean(func(c *Config) *bool { return &c.Log.Debug })},
	{Name: "BALCAO_POSTGRES_URL", set: str(func(c *Config) *string { return &c.Postgres.URL })},
}

func (c *Config) applyEnv(environ []string) error {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "BALCAO_") {
			env[k] = v
		}
	}
	for _, ev := range EnvVars {
		v, ok := env[ev.Name]
		if !ok {
			continue
		}
		if err := ev.set(c, v); err != nil {
			return &Error{Key: ev.Name, Reason: err.Error()}
		}
	}
	return nil
}

// Validate checks the whole value and names the first bad key.
func (c *Config) Validate() error {
	checkURL := func(key, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{Key: key, Reason: i18n.ConfigBadURL(v)}
		}
		return nil
	}
	if err := checkURL("totvs.url", c.TOTVS.URL); err != nil {
		return err
	}
	if err := checkURL("mosia.url", c.Mosia.URL); err != nil {
		return err
	}
	if err := c.Console.validate(); err != nil {
		return err
	}
	if (c.TOTVS.URL == "") != (c.Mosia.URL == "") {
		return &Error{Key: "totvs.url/mosia.url", Reason: i18n.ConfigBothOrNeither}
	}
	if c.TOTVS.URL != "" && (c.TOTVS.User == "" || c.TOTVS.Password == "") {
		return &Error{Key: "totvs.user", Reason: i18n.ConfigTOTVSCredentials}
	}
	if c.Mosia.URL != "" && c.Mosia.Token == "" {
		return &Error{Key: "mosia.token", Reason: i18n.ConfigMosiaToken}
	}
	switch c.TOTVS.Auth {
	case "basic", "oauth2":
	default:
		return &Error{Key: "totvs.auth", Reason: i18n.ConfigTOTVSAuth(c.TOTVS.Auth)}
	}
	if c.Mosia.TotalProtocolos < 1 || c.Mosia.TotalProtocolos > 10 {
		return &Error{Key: "mosia.total_protocolos", Reason: "deve estar entre 1 e 10"}
	}
	for key, d := range map[string]Duration{"totvs.timeout": c.TOTVS.Timeout, "mosia.timeout": c.Mosia.Timeout,
		"server.totvs_timeout": c.Server.TOTVSTimeout} {
		if d.Duration <= 0 {
			return &Error{Key: key, Reason: "deve ser maior que zero (por exemplo 10s)"}
		}
	}
	for key, addr := range map[string]string{"server.addr": c.Server.Addr, "ssh.addr": c.SSH.Addr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return &Error{Key: key, Reason: i18n.ConfigBadAddr(addr)}
		}
	}
	if c.Server.Prefix != "" && (!strings.HasPrefix(c.Server.Prefix, "/") || strings.HasSuffix(c.Server.Prefix, "/")) {
		return &Error{Key: "server.prefix", Reason: i18n.ConfigPrefix}
	}
	if c.Server.MaxResults < 1 || c.Server.MaxResults > 500 {
		return &Error{Key: "server.max_results", Reason: "deve estar entre 1 e 500"}
	}
	if c.Server.Rate <= 0 || c.Server.Burst < 1 {
		return &Error{Key: "server.rate", Reason: i18n.ConfigRate}
	}
	if !c.Server.Disabled {
		if err := c.Server.validate(); err != nil {
			return err
		}
	}
	if c.DB == "" {
		return &Error{Key: "db", Reason: i18n.ConfigDB}
	}
	if _, ok := c.SSH.Startups(); !ok {
		return &Error{Key: "ssh.max_startups", Reason: i18n.ConfigMaxStartups(c.SSH.MaxStartups)}
	}
	if c.SSH.MaxSessionsPerAttendant < 1 {
		return &Error{Key: "ssh.max_sessions_per_attendant", Reason: i18n.ConfigAtLeastOne}
	}
	if c.SSH.LoginGrace.Duration <= 0 {
		return &Error{Key: "ssh.login_grace", Reason: "deve ser maior que zero (por exemplo 30s)"}
	}
	if c.Audit.Retention.Duration < 24*time.Hour {
		return &Error{Key: "audit.retention", Reason: i18n.ConfigAuditRetention}
	}
	if c.Outbox.Retention.Duration < 24*time.Hour {
		return &Error{Key: "outbox.retention", Reason: i18n.ConfigOutboxRetention}
	}
	if c.Outbox.Lease.Duration < 2*time.Second {
		return &Error{Key: "outbox.lease", Reason: i18n.ConfigLease}
	}
	if err := c.Postgres.validate(c.Demo()); err != nil {
		return err
	}
	if c.Sandbox.Beneficiaries < 10 || c.Sandbox.Beneficiaries > 2_000_000 {
		return &Error{Key: "sandbox.beneficiaries", Reason: "deve estar entre 10 e 2.000.000"}
	}
	if c.Demo() && len(c.Catalogue.Types) == 0 {
		c.Catalogue = DefaultCatalogue()
	}
	return c.Catalogue.Validate()
}

// Validate checks the catalogue: at least one type, unique ids, known field kinds.
func (c Catalogue) Validate() error {
	if len(c.Types) == 0 {
		return &Error{Key: "catalogo.tipos", Reason: i18n.ConfigCatalogueTypes}
	}
	seen := map[int]bool{}
	for i, t := range c.Types {
		if t.ID <= 0 || t.Name == "" {
			return &Error{Key: fmt.Sprintf("catalogo.tipos[%d]", i), Reason: i18n.ConfigIDAndName}
		}
		if seen[t.ID] {
			return &Error{Key: fmt.Sprintf("catalogo.tipos[%d].id", i), Reason: fmt.Sprintf("id %d repetido", t.ID)}
		}
		seen[t.ID] = true
		for j, s := range t.Subjects {
			if s.ID <= 0 || s.Name == "" {
				return &Error{Key: fmt.Sprintf("catalogo.tipos[%d].assuntos[%d]", i, j), Reason: i18n.ConfigIDAndName}
			}
		}
	}
	if err := c.validateStatuses(); err != nil {
		return err
	}
	for i, f := range c.Forms {
		if f.ID == "" || f.Name == "" {
			return &Error{Key: fmt.Sprintf("catalogo.formularios[%d]", i), Reason: i18n.ConfigFormIDAndName}
		}
		for j, fld := range f.Fields {
			switch fld.Kind {
			case FieldText, FieldEmail, FieldPhone, FieldCPF:
			case FieldSelect:
				if len(fld.Options) == 0 {
					return &Error{Key: fmt.Sprintf("catalogo.formularios[%d].campos[%d].opcoes", i, j), Reason: i18n.ConfigSelectOptions}
				}
			default:
				return &Error{Key: fmt.Sprintf("catalogo.formularios[%d].campos[%d].tipo", i, j), Reason: i18n.ConfigFieldKind(fld.Kind)}
			}
			if fld.Key == "" {
				return &Error{Key: fmt.Sprintf("catalogo.formularios[%d].campos[%d].chave", i, j), Reason: i18n.ConfigFieldKey}
			}
		}
	}
	return nil
}

// AuditPath returns the access record's file.
func (c *Config) AuditPath() string {
	if c.Audit.File != "" {
		return c.Audit.File
	}
	return filepath.Join(filepath.Dir(c.DB), "acessos.db")
}

// OutboxPath returns the outbox database file.
func (c *Config) OutboxPath() string {
	if c.OutboxDB != "" {
		return c.OutboxDB
	}
	return filepath.Join(filepath.Dir(c.DB), "ocorrencias.db")
}

// LocalSecretPath is the file of the secret the busca service uses on loopback when none is configured: next
// to the directory, generated once, 0600.
func (c *Config) LocalSecretPath() string {
	return filepath.Join(filepath.Dir(c.DB), "busca-local.secret")
}

// validateStatuses checks the statuses and closing reasons: ids above zero and unique, names given, and reasons
// to choose from when a status closes (the console asks for one).
func (c Catalogue) validateStatuses() error {
	seen := map[int]bool{}
	closes := false
	for i, s := range c.Statuses {
		if s.ID <= 0 || strings.TrimSpace(s.Name) == "" {
			return &Error{Key: fmt.Sprintf("catalogo.status[%d]", i), Reason: i18n.ConfigIDAndName}
		}
		if seen[s.ID] {
			return &Error{Key: fmt.Sprintf("catalogo.status[%d].id", i), Reason: i18n.ConfigRepeatedID(s.ID)}
		}
		seen[s.ID] = true
		closes = closes || s.Closes
	}
	seen = map[int]bool{}
	for i, r := range c.Reasons {
		if r.ID <= 0 || strings.TrimSpace(r.Name) == "" {
			return &Error{Key: fmt.Sprintf("catalogo.motivos[%d]", i), Reason: i18n.ConfigIDAndName}
		}
		if seen[r.ID] {
			return &Error{Key: fmt.Sprintf("catalogo.motivos[%d].id", i), Reason: i18n.ConfigRepeatedID(r.ID)}
		}
		seen[r.ID] = true
	}
	if closes && len(c.Reasons) == 0 {
		return &Error{Key: "catalogo.motivos", Reason: i18n.ConfigClosingNeedsReasons}
	}
	return nil
}
