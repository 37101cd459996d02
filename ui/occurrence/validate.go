package occurrence

import (
	"strconv"
	"strings"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// checkRequired returns the required-field message for an empty value.
func checkRequired(v string, required bool) string {
	if required && strings.TrimSpace(v) == "" {
		return i18n.OccErrRequired
	}
	return ""
}

// checkEmail validates an optional (unless required) e-mail.
func checkEmail(v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return checkRequired(v, required)
	}
	if !model.ValidEmail(v) {
		return i18n.OccErrEmail
	}
	return ""
}

// checkPhone validates an optional (unless required) Brazilian phone.
func checkPhone(v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return checkRequired(v, required)
	}
	if _, ok := model.NormalizePhone(v); !ok {
		return i18n.OccErrPhone
	}
	return ""
}

// checkCPF validates a CPF field.
func checkCPF(v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return checkRequired(v, required)
	}
	if !model.ValidCPF(v) {
		return i18n.OccErrCPF
	}
	return ""
}

// checkKey validates another person's chave única: required; written as a CPF (digits and CPF punctuation) it must
// be one with valid check digits. Other keys (an e-mail, a code) are accepted as typed.
func checkKey(v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return i18n.OccErrRequired
	case strings.Trim(v, "0123456789.- ") != "":
		return ""
	case len(model.Digits(v)) == 11 && !model.ValidCPF(v):
		return i18n.OccErrCPF
	case len(model.Digits(v)) != 11 && strings.ContainsAny(v, ".-"):
		return i18n.OccErrCPF // punctuated like a CPF, with the wrong number of digits
	}
	return ""
}

// normalizePhone sends a valid phone as digits; an invalid one as typed (validation reports it).
func normalizePhone(v string) string {
	v = strings.TrimSpace(v)
	if p, ok := model.NormalizePhone(v); ok {
		return p
	}
	return v
}

// directoryPhone is a directory phone usable in a request, or "" when it is not a valid phone.
func directoryPhone(v string) string {
	if p, ok := model.NormalizePhone(v); ok {
		return p
	}
	return ""
}

// directoryEmail is a directory e-mail usable in a request, or "" when it is malformed.
func directoryEmail(v string) string {
	v = strings.TrimSpace(v)
	if model.ValidEmail(v) {
		return v
	}
	return ""
}

// option is one choice of a select form field.
type option struct {
	Label string
	Value string
}

// parseOption reads a catalogue option: "value=label" gives both; a plain label takes its 1-based position as value.
func parseOption(raw string, i int) option {
	if eq := strings.IndexByte(raw, '='); eq > 0 && !strings.ContainsAny(raw[:eq], " \t") && eq < len(raw)-1 {
		return option{Label: strings.TrimSpace(raw[eq+1:]), Value: raw[:eq]}
	}
	return option{Label: raw, Value: strconv.Itoa(i + 1)}
}

// options parses every option of a field.
func options(f config.FormField) []option {
	out := make([]option, len(f.Options))
	for i, raw := range f.Options {
		out[i] = parseOption(raw, i)
	}
	return out
}

// checkFormValue validates a form field's text value by kind.
func checkFormValue(f config.FormField, v string) string {
	switch f.Kind {
	case config.FieldEmail:
		return checkEmail(v, f.Required)
	case config.FieldPhone:
		return checkPhone(v, f.Required)
	case config.FieldCPF:
		return checkCPF(v, f.Required)
	default:
		return checkRequired(v, f.Required)
	}
}

// formValue is the value sent for a text form field.
func formValue(f config.FormField, v string) string {
	v = strings.TrimSpace(v)
	switch f.Kind {
	case config.FieldPhone:
		return normalizePhone(v)
	case config.FieldCPF:
		if model.CPFShaped(v) {
			return model.Digits(v)
		}
	}
	return v
}
