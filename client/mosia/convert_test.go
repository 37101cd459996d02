package mosia

import (
	"testing"
	"time"

	"github.com/balcao/balcao/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEpochMillis(t *testing.T) {
	got, ok := epochMillis("1720625728313")
	require.True(t, ok)
	assert.Equal(t, int64(1720625728313), got.UnixMilli())
	assert.Equal(t, "10/07/2024 12:35", model.FormatDateTimeBR(got))

	got, ok = epochMillis("1720625728") // seconds
	require.True(t, ok)
	assert.Equal(t, int64(1720625728), got.Unix())

	for _, bad := range []string{"", "0", "-1720625728313", "1.7e12", "abc", "17206257283131234567"} {
		_, ok := epochMillis(bad)
		assert.False(t, ok, bad)
	}
}

func TestRegistrationTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1720625728313", time.UnixMilli(1720625728313).UTC(), true}, // data_registro of Mosia's ultimosProtocolos example
		{" 1720625728313 ", time.UnixMilli(1720625728313).UTC(), true},
		{"2022-11-29T16:44:19.533Z", time.Date(2022, 11, 29, 16, 44, 19, 533e6, time.UTC), true}, // detail endpoint
		{"", time.Time{}, false},
		{"ontem", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := RegistrationTime(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		if tt.ok {
			assert.True(t, tt.want.Equal(got), "%q: got %s want %s", tt.in, got, tt.want)
		}
	}
}
