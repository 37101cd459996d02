package model

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339; "" = not a date
	}{
		{"2001-06-15", "2001-06-15T00:00:00Z"},
		{"2022-11-1", "2022-11-01T00:00:00Z"}, // TOTVS bd5_datpro, not zero-padded
		{"2022-1-13", "2022-01-13T00:00:00Z"},
		{"19000101", "1900-01-01T00:00:00Z"}, // TTALK AAAAMMDD
		{"15/06/2001", "2001-06-15T00:00:00Z"},
		{"5/8/1994", "1994-08-05T00:00:00Z"},
		{" 05/08/1994 ", "1994-08-05T00:00:00Z"},
		{"2024-02-29", "2024-02-29T00:00:00Z"},
		{"2022-11-29T16:44:19.533Z", "2022-11-29T16:44:19.533Z"},
		{"2022-11-29T16:44:19-03:00", "2022-11-29T16:44:19-03:00"},
		{"2022-11-29T16:44:19", "2022-11-29T16:44:19-03:00"}, // no offset: Protheus' clock
		{"2022-11-29 16:44", "2022-11-29T16:44:00-03:00"},
		{"", ""},
		{"        ", ""},
		{"00000000", ""},
		{"2023-02-29", ""},
		{"31/04/2020", ""},
		{"2020-13-01", ""},
		{"2020-00-10", ""},
		{"15/06/01", ""}, // two-digit year
		{"15-06-2001", ""},
		{"2022-11-29T25:00:00Z", ""},
		{"2022-11-29Tgarbage", ""},
		{"20221301", ""},
		{"abc", ""},
		{"2022/11/29", ""},
		{"1/1/1/2000", ""},
		{"-1-01-01", ""},
		{"0001-01-01", ""}, // time.Time zero value, a placeholder
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseDate(tt.in)
			if tt.want == "" {
				assert.False(t, ok)
				assert.True(t, got.IsZero())
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.want, got.Format(time.RFC3339Nano))
		})
	}
}

func TestFormatDates(t *testing.T) {
	assert.Empty(t, FormatDateBR(time.Time{}))
	assert.Empty(t, FormatDateTimeBR(time.Time{}))
	d, _ := ParseDate("2001-06-15")
	assert.Equal(t, "15/06/2001", FormatDateBR(d))
	// 02:30 UTC is still the previous evening in São Paulo.
	assert.Equal(t, "29/11/2022 23:30", FormatDateTimeBR(time.Date(2022, 11, 30, 2, 30, 0, 0, time.UTC)))
	// São Paulo observed DST in January 2018 (UTC-2).
	assert.Equal(t, "15/01/2018 10:00", FormatDateTimeBR(time.Date(2018, 1, 15, 12, 0, 0, 0, time.UTC)))
	assert.Equal(t, "America/Sao_Paulo", saoPaulo().String(), "embedded tzdata must load")
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2001-06-15", "2022-11-1", "19000101", "15/06/2001", "2022-11-29T16:44:19.533Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			require.True(t, d.IsZero())
			return
		}
		out := FormatDateBR(d)
		require.True(t, utf8.ValidString(out))
		if d.Location() == time.UTC && d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 && d.Nanosecond() == 0 {
			again, ok := ParseDate(out) // a date-only value survives DD/MM/AAAA
			require.True(t, ok, out)
			require.True(t, again.Equal(d), "%s → %s → %s", s, out, again)
		}
	})
}
