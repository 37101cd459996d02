package clipboard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestCopyEnvBytes(t *testing.T) {
	const proto = "10101020221129000001"
	b64 := base64.StdEncoding.EncodeToString([]byte(proto))
	plain := "\x1b]52;c;" + b64 + "\x07"
	tmux := "\x1bPtmux;\x1b\x1b]52;c;" + b64 + "\x07\x1b\\"
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"plain terminal", map[string]string{"TERM": "xterm-256color"}, plain},
		{"inside tmux (TMUX set)", map[string]string{"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "screen"}, plain + tmux},
		{"tmux TERM", map[string]string{"TERM": "tmux-256color"}, plain + tmux},
		{"empty env", nil, plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, CopyEnv(&buf, proto, env(tt.env)))
			assert.Equal(t, tt.want, buf.String())
		})
	}
}

func TestCopyAccentsRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, CopyEnv(&buf, "Solicitação nº 42", env(nil)))
	s := buf.String()
	require.True(t, len(s) > len("\x1b]52;c;\x07"))
	got, err := base64.StdEncoding.DecodeString(s[len("\x1b]52;c;") : len(s)-1])
	require.NoError(t, err)
	assert.Equal(t, "Solicitação nº 42", string(got))
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestCopyErrors(t *testing.T) {
	assert.ErrorIs(t, Copy(nil, "x"), ErrNoOutput)
	err := CopyEnv(failWriter{}, "x", env(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broken pipe")
}

func TestInTmux(t *testing.T) {
	assert.False(t, InTmux(nil))
	assert.False(t, InTmux(env(map[string]string{"TERM": "xterm"})))
	assert.True(t, InTmux(env(map[string]string{"TMUX": "x"})))
}
