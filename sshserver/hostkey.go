package sshserver

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/i18n"
)

// loadOrCreateHostKey reads the host key at path, or generates an ed25519 key there (0600, directory 0700) the
// first time. Creation is atomic: a concurrent start reuses the key the other one wrote. A key file others can
// read is refused, as OpenSSH refuses it.
func loadOrCreateHostKey(path string, log *slog.Logger) (gossh.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createHostKey(path); err != nil {
			return nil, fmt.Errorf(i18n.SSHHostKeyError, path, err)
		}
		log.Info("ssh host key generated", "path", path)
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf(i18n.SSHHostKeyError, path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		// like OpenSSH: a private key others can read may be someone else's by now
		return nil, &AccessError{Reason: fmt.Sprintf(i18n.SSHHostKeyExposed, path, fi.Mode().Perm(), path)}
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf(i18n.SSHHostKeyError, path, err)
	}
	return signer, nil
}

// createHostKey writes a new ed25519 key in OpenSSH format to path unless a file appears there first.
func createHostKey(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, "balcao ssh host key")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ssh_host_key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(pem.EncodeToMemory(block)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
