package main

import (
	"fmt"
	"log/slog"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/server"
)

// buscaOptions maps the configuration onto the busca service's options: the configured credential or, on
// loopback without one, the local secret (generated once next to the directory); the TLS pair; the columns;
// the access record rec (nil: none); the TOTVS fallback fb when server.totvs_fallback asks for it (nil: none).
// local is the local secret's file when that is the credential, else "".
func buscaOptions(cfg *config.Config, log *slog.Logger, rec server.Recorder, fb server.Fallback) (o server.Options, local string, err error) {
	s := cfg.Server
	o = server.Options{
		Prefix: s.Prefix, SecretHeader: s.SecretHeader, Secret: s.Secret,
		AuthUser: s.AuthUser, AuthPassword: s.AuthPassword, TokenTTL: s.TokenTTL.Duration,
		MaxResults: s.MaxResults, Rate: s.Rate, Burst: s.Burst, MetricsAuth: s.MetricsAuth,
		BehindProxy: s.BehindProxy, Logger: log,
	}
	if s.TOTVSFallback && fb != nil {
		o.Fallback, o.FallbackTimeout = fb, s.TOTVSTimeout.Duration
	}
	if rec != nil {
		o.Audit = rec
	}
	if len(s.Columns) > 0 {
		if o.Columns, err = server.ColumnsFor(s.Columns); err != nil {
			return o, "", &config.Error{Key: "server.columns", Reason: err.Error()}
		}
	}
	if s.TLSCert != "" {
		if o.TLS, err = server.LoadTLS(s.TLSCert, s.TLSKey, log); err != nil {
			return o, "", &config.Error{Key: "server.tls_cert", Reason: err.Error()}
		}
	}
	if !s.HasCredential() { // config.Validate allows this on loopback only
		local = cfg.LocalSecretPath()
		if o.Secret, err = server.LocalSecret(local); err != nil {
			return o, "", fmt.Errorf(i18n.ServeLocalSecret, local, err)
		}
		o.SecretName = server.LocalSecretName
	}
	return o, local, nil
}
