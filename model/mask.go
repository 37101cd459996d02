package model

import (
	"strings"
	"unicode/utf8"
)

// MaskCPF hides a CPF for logs (LGPD): ***.456.789-** keeps only the middle digits.
func MaskCPF(s string) string {
	d := Digits(s)
	if len(d) != 11 {
		return maskTail(d, 2)
	}
	return "***." + d[3:6] + "." + d[6:9] + "-**"
}

// MaskPhone hides a phone for logs, keeping the last two digits.
func MaskPhone(s string) string { return maskTail(Digits(s), 2) }

// MaskName hides a name for logs, keeping each word's initial: "J*** P****".
func MaskName(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(r) + strings.Repeat("*", utf8.RuneCountInString(w[size:]))
	}
	return strings.Join(words, " ")
}

// MaskEmail hides an e-mail for logs, keeping the first letter and the domain.
func MaskEmail(s string) string {
	user, domain, ok := strings.Cut(s, "@")
	if !ok || user == "" {
		return strings.Repeat("*", utf8.RuneCountInString(s))
	}
	return MaskName(user) + "@" + domain
}

// MaskTerm hides a free search term for logs: digits keep their last two, letters their initials.
func MaskTerm(s string) string {
	if d := Digits(s); len(d) > 0 && len(d)*2 >= len(strings.TrimSpace(s)) {
		return maskTail(d, 2)
	}
	return MaskName(s)
}

func maskTail(d string, keep int) string {
	if len(d) <= keep {
		return strings.Repeat("*", len(d))
	}
	return strings.Repeat("*", len(d)-keep) + d[len(d)-keep:]
}
