package totvs

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// picture is a parsed Protheus/Clipper picture: the @ function flags and the template.
type picture struct {
	upper     bool // @! (and @R!): upper-case everything
	insert    bool // @R: insert the template's literal characters
	euro      bool // @E: "." for thousands, "," for decimals
	date      bool // @D: a date, DD/MM/AAAA
	zeroBlank bool // @Z: zero renders blank
	debit     bool // @X: " DB" after negatives
	credit    bool // @C: " CR" after positives
	paren     bool // @(: negatives in parentheses
	unknown   bool // a function letter we do not know: show the raw value
	template  string
}

// parsePicture splits "@<functions> <template>"; a picture without "@" is all template.
// "@99999" (no space) is read as a template after an empty function part.
func parsePicture(p string) picture {
	var pic picture
	if !strings.HasPrefix(p, "@") {
		pic.template = strings.TrimSpace(p)
		return pic
	}
	rest := p[1:]
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case ' ':
			pic.template = strings.TrimSpace(rest[i+1:])
			return pic
		case '!':
			pic.upper = true
		case 'R', 'r':
			pic.insert = true
		case 'E', 'e':
			pic.euro = true
		case 'D', 'd':
			pic.date = true
		case 'Z', 'z':
			pic.zeroBlank = true
		case 'X', 'x':
			pic.debit = true
		case 'C', 'c':
			pic.credit = true
		case '(', ')':
			pic.paren = true
		case 'B', 'b', 'A', 'a', 'K', 'k':
			// left-justify (we always trim), alpha-only and clear-on-edit act on GETs: nothing to render
		case 'S', 's':
			for i+1 < len(rest) && rest[i+1] >= '0' && rest[i+1] <= '9' {
				i++ // @S<n> scrolls a GET n columns wide; the console lays out widths itself
			}
		case '9', '#', '.', ',', '$', '*':
			pic.template = strings.TrimSpace(rest[i:])
			return pic
		default:
			pic.unknown = true
			return pic
		}
	}
	return pic
}

// isCharTemplate reports whether r consumes a value character in a character picture; others are literals.
func isCharTemplate(r rune) bool {
	switch r {
	case '9', '#', 'A', 'N', 'X', '!', 'L', 'Y':
		return true
	}
	return false
}

// RenderPicture formats value with a Protheus picture (Clipper TRANSFORM rules; see docs/upstreams.md, "SX3
// pictures"); fieldType is the SX3 type C/D/N. Never fails.
//
// Decisions where Clipper and a console differ: results are trimmed (no padding to the template width), numbers
// too wide for their template are shown whole (no "***"), and with @R the value characters left over after the
// template are appended rather than dropped, so bad data stays visible.
func RenderPicture(picture, fieldType string, decimals int, value string) (out string) {
	if !utf8.ValidString(value) {
		value = strings.ToValidUTF8(value, "\uFFFD")
	}
	raw := strings.TrimRight(value, " ")
	defer func() {
		if recover() != nil { // belt and braces: input must never take the console down
			out = raw
		}
	}()
	pic := parsePicture(picture)
	switch {
	case pic.unknown:
		return raw
	case strings.EqualFold(fieldType, "D") || pic.date:
		return renderDate(raw)
	case strings.EqualFold(fieldType, "N"):
		return renderNumber(pic, decimals, raw)
	case picture == "":
		return raw
	default:
		return renderChars(pic, raw)
	}
}

func renderDate(raw string) string {
	if t, ok := model.ParseDate(raw); ok {
		return model.FormatDateBR(t)
	}
	return strings.TrimSpace(raw)
}

// maxDecimals bounds the decimals a picture or SX3 entry may ask for (float64 has ~17 significant digits).
const maxDecimals = 18

func renderNumber(pic picture, decimals int, raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		v, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64) // "1234,5"
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return raw
	}
	if pic.zeroBlank && v == 0 {
		return ""
	}
	dec, group := decimals, false
	if strings.ContainsAny(pic.template, "9#") {
		dec = 0
		if _, frac, ok := strings.Cut(pic.template, "."); ok {
			dec = strings.Count(frac, "9") + strings.Count(frac, "#")
		}
		group = strings.Contains(pic.template, ",")
	}
	dec = min(max(dec, 0), maxDecimals)

	digits := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	neg := v < 0 && strings.Trim(digits, "0.") != "" // -0.001 at 2 decimals is "0.00", not "-0.00"
	intPart, frac, _ := strings.Cut(digits, ".")
	var b strings.Builder
	b.Grow(len(digits) + len(digits)/3 + 6)
	if neg && pic.paren {
		b.WriteByte('(')
	} else if neg && !pic.debit {
		b.WriteByte('-')
	}
	thousands, point := byte(','), byte('.')
	if pic.euro {
		thousands, point = '.', ','
	}
	for i := 0; i < len(intPart); i++ {
		if group && i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(thousands)
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteByte(point)
		b.WriteString(frac)
	}
	if neg && pic.paren {
		b.WriteByte(')')
	}
	switch {
	case neg && pic.debit:
		b.WriteString(" DB")
	case !neg && pic.credit && v != 0:
		b.WriteString(" CR")
	}
	return b.String()
}

func renderChars(pic picture, raw string) string {
	up := func(r rune) rune {
		if pic.upper {
			return unicode.ToUpper(r)
		}
		return r
	}
	tpl := []rune(pic.template)
	var b strings.Builder
	b.Grow(len(raw) + len(pic.template))
	if pic.insert && len(tpl) > 0 {
		rest := raw
		for _, tc := range tpl {
			if rest == "" {
				break // Clipper 5.01: stop when the value runs out
			}
			if !isCharTemplate(tc) {
				b.WriteRune(tc)
				continue
			}
			r, size := utf8.DecodeRuneInString(rest)
			rest = rest[size:]
			if tc == '!' {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(up(r))
		}
		for _, r := range rest {
			b.WriteRune(up(r))
		}
		return strings.TrimRight(b.String(), " ")
	}
	i := 0
	for _, r := range raw {
		if i < len(tpl) && tpl[i] == '!' {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(up(r))
		i++
	}
	return b.String()
}

// RenderField renders a contract field value: cbox description when the value has one, else its picture.
//
// value is what encoding/json decoded: string, float64, bool, nil (or json.Number, or a nested value, shown as JSON).
func RenderField(st FieldStruct, value any) string {
	var s string
	switch v := value.(type) {
	case nil:
	case string:
		s = v
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		s = v.String()
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	case bool:
		if d, ok := st.CBox.Lookup(strconv.FormatBool(v)); ok {
			return d
		}
		if v {
			return i18n.FieldTrue
		}
		return i18n.FieldFalse
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		s = string(b)
	}
	if d, ok := st.CBox.Lookup(s); ok {
		return d
	}
	return RenderPicture(st.Picture, st.Type, st.Decimals, s)
}
