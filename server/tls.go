package server

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/balcao/balcao/i18n"
)

// recheckEvery bounds how often the certificate files are looked at for a change.
const recheckEvery = time.Second

// certFiles serves a certificate from two PEM files and loads them again when either changes, so a rotated
// certificate is served without a restart. A change that does not load (half-written files, a key that does
// not match) keeps the last good pair and is logged; the next change is tried again.
type certFiles struct {
	certPath, keyPath string
	log               *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string    // the files' sizes and modification times when cert was read
	bad     string    // the stamp of the last change that did not load (logged once)
	checked time.Time // the last look at the files
}

// LoadTLS reads the certificate chain and private key (PEM) and returns a TLS 1.2+ configuration that reloads
// them when they change. A key file that others can read, or a pair that does not load, is refused.
func LoadTLS(certPath, keyPath string, log *slog.Logger) (*tls.Config, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := privateKeyFile(keyPath); err != nil {
		return nil, err
	}
	cf := &certFiles{certPath: certPath, keyPath: keyPath, log: log}
	stamp, err := cf.stampNow()
	if err != nil {
		return nil, err
	}
	if err := cf.load(stamp); err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: cf.get, NextProtos: []string{"h2", "http/1.1"}}, nil
}

// privateKeyFile refuses a key file group or others may read, like OpenSSH refuses such a host key.
func privateKeyFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf(i18n.ServerTLSUnreadable, path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf(i18n.ServerTLSKeyOpen, path, fi.Mode().Perm())
	}
	return nil
}

// stampNow describes both files as they are now: a change of size or time means "read them again".
func (c *certFiles) stampNow() (string, error) {
	var stamp string
	for _, p := range []string{c.certPath, c.keyPath} {
		fi, err := os.Stat(p)
		if err != nil {
			return "", fmt.Errorf(i18n.ServerTLSUnreadable, p, err)
		}
		stamp += fmt.Sprintf("%d/%d;", fi.Size(), fi.ModTime().UnixNano())
	}
	return stamp, nil
}

// load reads the pair and, when it loads, serves it from now on.
func (c *certFiles) load(stamp string) error {
	pair, err := tls.LoadX509KeyPair(c.certPath, c.keyPath)
	if err != nil {
		return fmt.Errorf(i18n.ServerTLSBadPair, c.certPath, c.keyPath, err)
	}
	c.mu.Lock()
	c.cert, c.stamp, c.checked = &pair, stamp, time.Now()
	c.mu.Unlock()
	return nil
}

// get is tls.Config.GetCertificate: the current pair, read again first when the files changed.
func (c *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	cert, stale := c.cert, time.Since(c.checked) >= recheckEvery
	if stale {
		c.checked = time.Now()
	}
	last, bad := c.stamp, c.bad
	c.mu.Unlock()
	if !stale {
		return cert, nil
	}
	stamp, err := c.stampNow()
	if err == nil && (stamp == last || stamp == bad) {
		return cert, nil
	}
	if err == nil {
		err = privateKeyFile(c.keyPath)
	}
	if err == nil {
		err = c.load(stamp)
	}
	if err != nil {
		c.mu.Lock()
		c.bad = stamp
		c.mu.Unlock()
		c.log.Error("busca tls: the changed certificate did not load; serving the previous one", "err", err)
		return cert, nil
	}
	c.log.Info("busca tls: certificate reloaded", "cert", c.certPath)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert, nil
}
