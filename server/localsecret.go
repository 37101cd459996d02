package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/balcao/balcao/i18n"
)

// LocalSecretName is how the log and the access record name the console's own loopback secret.
const LocalSecretName = "segredo-local"

// minLocalSecret is the shortest local secret file accepted (a generated one has 43 characters).
const minLocalSecret = 16

// LocalSecret returns the loopback service's secret kept in path, generating it the first time (32 random
// bytes, base64url, file 0600, its directory 0700). Two processes starting at once agree on one secret. A file
// others may read, or one too short to be a secret, is refused rather than used.
func LocalSecret(path string) (string, error) {
	if s, err := readLocalSecret(path); !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("local secret dir: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("local secret: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".busca-secret-*")
	if err != nil {
		return "", fmt.Errorf("local secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.RawURLEncoding.EncodeToString(raw[:]) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("local secret: %w", err)
	}
	// CreateTemp made it 0600; a link publishes it whole, and fails when another process published first.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("local secret: %w", err)
	}
	return readLocalSecret(path)
}

// readLocalSecret reads an existing local secret file, refusing one others may read or one too short.
func readLocalSecret(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf(i18n.ServerLocalSecretOpen, path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("local secret %s: %w", path, err)
	}
	s := strings.TrimSpace(string(b))
	if len(s) < minLocalSecret {
		return "", fmt.Errorf(i18n.ServerLocalSecretBad, path)
	}
	return s, nil
}
