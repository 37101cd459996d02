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
	sp := saoPaulo()
	tests := []struct {
		in   string
		want time.Time
		p    model.Precision
	}{
		{"1720625728313", time.UnixMilli(1720625728313).UTC(), model.Exact}, // the list's epoch milliseconds
		{" 1720625728313 ", time.UnixMilli(1720625728313).UTC(), model.Exact},
		{"2022-11-29T16:44:19.533Z", time.Date(2022, 11, 29, 16, 44, 19, 533e6, time.UTC), model.Exact}, // the detail's ISO
		{"2022-11-29T16:44:19-03:00", time.Date(2022, 11, 29, 19, 44, 19, 0, time.UTC), model.Exact},
		{"2022-11-29T16:44:19", time.Date(2022, 11, 29, 16, 44, 19, 0, sp), model.Exact}, // ISO without a zone: São Paulo
		{"2022-11-29 16:44", time.Date(2022, 11, 29, 16, 44, 0, 0, sp), model.Exact},
		{"29/11/2022 16:44", time.Date(2022, 11, 29, 16, 44, 0, 0, sp), model.Exact},
		{"29/11/2022 16:44:19", time.Date(2022, 11, 29, 16, 44, 19, 0, sp), model.Exact},
		{"29/11/2022", time.Date(2022, 11, 29, 0, 0, 0, 0, sp), model.DayOnly}, // a date alone: the whole day
		{"2022-11-29", time.Date(2022, 11, 29, 0, 0, 0, 0, sp), model.DayOnly},
		{"", time.Time{}, model.NoDate},
		{"ontem", time.Time{}, model.Unreadable},
		{"31/02/2022 10:00", time.Time{}, model.Unreadable},
		{"0", time.Time{}, model.Unreadable},
	}
	for _, tt := range tests {
		got, p := RegistrationTime(tt.in)
		assert.Equal(t, tt.p, p, "%q", tt.in)
		assert.True(t, tt.want.Equal(got), "%q: got %s want %s", tt.in, got, tt.want)
	}
}
