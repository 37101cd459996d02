package sshserver

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTerminalRepliesStripped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b]11;rgb:0000/0000/0000\x07\x1b[?62;22chernandes", "hernandes"},
		{"jo\x1b]11;rgb:ffff/ffff/ffff\x1b\\ao\x1b[?1;2c", "joao"},
		{"\x1b[A\r", "\x1b[A\r"}, // arrow up and Enter stay
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(terminalReplies.ReplaceAll([]byte(tt.in), nil)), "%q", tt.in)
	}
}

func TestInputPump(t *testing.T) {
	r, w := io.Pipe()
	in := newInputPump(r)
	defer in.close()
	start := in.lastInput()

	n, err := in.readUntil(make([]byte, 8), time.Now().Add(-time.Second))
	assert.Equal(t, 0, n)
	assert.ErrorIs(t, err, io.EOF, "past the deadline: nothing consumed")

	go func() { _, _ = w.Write([]byte("abcdef")) }()
	buf := make([]byte, 4)
	n, err = in.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "abcd", string(buf[:n]))
	assert.False(t, in.lastInput().Before(start))

	in.unread([]byte("XY"))
	var got strings.Builder
	for got.Len() < 4 {
		n, err := in.Read(buf)
		require.NoError(t, err)
		got.Write(buf[:n])
	}
	assert.Equal(t, "XYef", got.String(), "unread bytes come first, then the rest of the chunk")

	require.NoError(t, w.Close())
	_, err = in.Read(buf)
	assert.ErrorIs(t, err, io.EOF)
}
