package common

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDarkBackground(t *testing.T) {
	tests := []struct {
		env  []string
		want bool
	}{
		{nil, true},
		{[]string{"COLORFGBG=15;0"}, true},
		{[]string{"COLORFGBG=0;15"}, false},
		{[]string{"COLORFGBG=0;default;7"}, false},
		{[]string{"COLORFGBG=7;8"}, true},
		{[]string{"COLORFGBG=garbage"}, true},
		{[]string{"TERM=xterm", "COLORFGBG=0;11"}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, darkBackground(tt.env), "%v", tt.env)
	}
}
