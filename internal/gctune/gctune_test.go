package gctune

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTighten(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	Tighten()
	assert.Equal(t, servicePercent, debug.SetGCPercent(100))

	t.Setenv("GOGC", "200")
	Tighten()
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC set by the operator wins")
}
