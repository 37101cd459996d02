package model

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldText lower-cases s and removes diacritics ("João" → "joao"), keeping letters, digits and spaces.
//
// Punctuation and symbols become spaces, runs of spaces collapse to one and the ends are trimmed:
// "D'Ávila,  MARIA" → "d avila maria". Combining marks (decomposed input) are dropped without splitting
// the word. Text that is already folded ASCII is returned as is, without allocating.
func FoldText(s string) string {
	if isFolded(s) {
		return s
	}
	buf := make([]byte, 0, len(s))
	pending := false // a separator was seen since the last kept character
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if f := asciiFold[c]; f != 0 {
				if pending && len(buf) > 0 {
					buf = append(buf, ' ')
				}
				pending = false
				buf = append(buf, f)
			} else {
				pending = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch f := foldRune(r); f {
		case "":
			// a combining mark: part of the previous letter
		case " ":
			pending = true
		default:
			if pending && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			pending = false
			buf = append(buf, f...)
		}
	}
	return string(buf)
}

// asciiFold maps an ASCII byte to its folded form, or 0 for a separator.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()

// NameWords splits a name into folded words (see FoldText).
func NameWords(s string) []string { return strings.Fields(FoldText(s)) }

// isFolded reports whether s is already FoldText's output: a-z, 0-9 and single inner spaces.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			prevSpace = false
		case c == ' ' && !prevSpace:
			prevSpace = true
		default:
			return false
		}
	}
	return true
}

// latinFold holds the folding of U+0080–U+024F (Latin-1 Supplement and Latin Extended-A/B), built once.
var latinFold = buildLatinFold()

const latinFoldEnd = 0x250

func buildLatinFold() []string {
	t := make([]string, latinFoldEnd)
	for r := rune(0x80); r < latinFoldEnd; r++ {
		t[r] = foldSlow(r)
	}
	return t
}

// specialFold covers letters that have no Unicode decomposition but an obvious ASCII spelling.
var specialFold = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'ı': "i",
}

// foldRune returns the folding of one non-ASCII rune: "" for a combining mark, " " for a separator,
// otherwise the lower-case letters/digits it stands for (ASCII when the rune has a Latin base letter).
func foldRune(r rune) string {
	if r < latinFoldEnd {
		return latinFold[r]
	}
	return foldSlow(r)
}

func foldSlow(r rune) string {
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return ""
	}
	if s, ok := specialFold[r]; ok {
		return s
	}
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
		return " "
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if sp, ok := specialFold[d]; ok { // Ǿ decomposes to Ø + acute
			b.WriteString(sp)
			continue
		}
		switch {
		case unicode.In(d, unicode.Mn, unicode.Me):
		case unicode.IsLetter(d) || unicode.IsDigit(d):
			d = unicode.ToLower(d)
			if sp, ok := specialFold[d]; ok {
				b.WriteString(sp)
			} else {
				b.WriteRune(d)
			}
		}
	}
	if b.Len() == 0 {
		return " "
	}
	return b.String()
}
