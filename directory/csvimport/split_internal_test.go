package csvimport

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// csvRecords reads every record of b as run's converters do.
func csvRecords(t testing.TB, b []byte, comma byte) [][]string {
	cr := csvReader(b, comma)
	var out [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, rec)
	}
}

// checkSplit cuts b where recordsEnd says its whole records end and checks that reading the two
// parts apart gives the records encoding/csv reads from the whole, and that the cut is at a line end.
func checkSplit(t testing.TB, b []byte, comma byte) int {
	cut := recordsEnd(b, comma)
	require.True(t, cut >= 0 && cut <= len(b), "cut %d of %d", cut, len(b))
	if cut > 0 {
		require.Equal(t, byte('\n'), b[cut-1], "cut %d of %q", cut, b)
	}
	whole := csvRecords(t, b, comma)
	apart := append(csvRecords(t, b[:cut], comma), csvRecords(t, b[cut:], comma)...)
	require.Equal(t, whole, apart, "cut %d of %q", cut, b)
	return cut
}

func TestRecordsEnd(t *testing.T) {
	cases := []struct {
		in   string
		want int // where the whole records end
	}{
		{"", 0},
		{"a;b", 0},
		{"a;b\n", 4},
		{"a;b\nc;d", 4},
		{"a;b\r\nc;d\r\n", 10},
		{"\"a\nb\";c\nd", 8},         // a quoted field spans lines
		{"\"a\nb\";c", 0},            // the record goes on
		{"x;\"a\"\"\nb\"\nz", 10},    // "" is a quote inside a quoted field
		{"x;a\"b\nz;\"q\"r\"\n", 14}, // quotes inside fields are characters (LazyQuotes)
		{"\"a\"b\nc\"\n", 8},         // a bare quote in a quoted field is a character: the field ends at c"
		{"\"a\"", 0},                 // what follows the closing quote decides
		{"\"a\"\r", 0},
		{"\"a\"\r\nb", 5},
		{"\n\nx\n", 4},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, checkSplit(t, []byte(c.in), ';'))
		})
	}
}

// FuzzRecordsEnd checks the record splitter of imports against encoding/csv on any input.
func FuzzRecordsEnd(f *testing.F) {
	for _, s := range []string{"a;b\nc;d\n", "\"a\nb\";c\nd", "x;\"a\"\"\nb\"\nz", "\"a\"b\nc\"\n\"", "a,\"b\r\n\",c\r\n"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, comma bool) {
		sep := byte(';')
		if comma {
			sep = ','
		}
		checkSplit(t, b, sep)
	})
}

// checkScan checks that recordScan, fed b in pieces of size step, finds the first record's end where
// recordEnd does.
func checkScan(t testing.TB, b []byte, comma byte, step int) {
	want := recordEnd(b, comma)
	s := recordScan{comma: comma}
	got := -1
	for at := 0; at < len(b) && got < 0; at += step {
		if end := s.feed(b[at:min(at+step, len(b))]); end >= 0 {
			got = at + end
		}
	}
	if want < 0 { // recordEnd waits for a byte after a closing quote or a CR at the end; then the record goes on
		require.Equal(t, -1, got, "%q", b)
		return
	}
	require.Equal(t, want, got, "%q in pieces of %d", b, step)
}

func TestRecordScanAgreesWithRecordEnd(t *testing.T) {
	for _, in := range []string{"a;b\n", "\"a\nb\";c\nd", "x;\"a\"\"\nb\"\nz", "x;a\"b\nz", "\"a\"b\nc\"\n", "\"a\"\r\nb",
		"\"a\"\rb\"\n", "\"a\"\r\"\n", ";;\"\"\n", "\"\"\"\n\"\n", "\"a\nb", "a;b"} {
		for _, step := range []int{1, 2, 3, 100} {
			checkScan(t, []byte(in), ';', step)
		}
	}
}

// FuzzRecordScan checks the streaming record scanner against recordEnd on any input and any piece size.
func FuzzRecordScan(f *testing.F) {
	f.Add([]byte("\"a\"\r\"\n;"), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, step uint8) {
		checkScan(t, b, ';', int(step%16)+1)
	})
}
