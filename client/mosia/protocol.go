package mosia

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/balcao/balcao/model"
)

// protocolPaths are where a created occurrence's protocol may be, in order: Mosia does not publish the answer of
// a creation, so every shape its other answers use is tried (see docs/upstreams.md).
// "[0]" means the first element of a list.
var protocolPaths = [][]string{
	{"data", "protocolo"},
	{"data", "ocorrencia", "protocolo"},
	{"data", "[0]", "protocolo"},
	{"data", "[0]", "ocorrencia", "protocolo"},
	{"protocolo"},
	{"ocorrencia", "protocolo"},
	{"data", "idOcorrencia"},
	{"data", "ocorrencia", "idOcorrencia"},
	{"data", "[0]", "idOcorrencia"},
	{"idOcorrencia"},
	{"data", "id"},
	{"data", "ocorrencia", "id"},
	{"data", "[0]", "id"},
	{"id"},
	{"data"}, // data itself a bare protocol: "data": "1111120240710000017"
}

// extractProtocol finds the protocol in a decoded answer (numbers as json.Number); "" when absent.
func extractProtocol(raw any) string {
	for _, path := range protocolPaths {
		if s := scalar(walk(raw, path)); s != "" {
			return s
		}
	}
	return ""
}

// walk follows path through objects (keys matched case-insensitively) and "[0]" list steps.
func walk(v any, path []string) any {
	for _, step := range path {
		switch x := v.(type) {
		case map[string]any:
			v = lookupFold(x, step)
		case []any:
			if step != "[0]" || len(x) == 0 {
				return nil
			}
			v = x[0]
		default:
			return nil
		}
		if v == nil {
			return nil
		}
	}
	return v
}

func lookupFold(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// scalar renders a string or a number verbatim (never through float64); anything else is "".
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	}
	return ""
}

// maskedBody renders an answer for debug logs with personal data hidden and length capped.
func maskedBody(body []byte) string {
	const limit = 2000
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "<non-JSON body, " + strconv.Itoa(len(body)) + " bytes>"
	}
	b, err := json.Marshal(maskValue("", v))
	if err != nil {
		return "<unprintable body>"
	}
	if len(b) > limit {
		return string(b[:limit]) + "…"
	}
	return string(b)
}

// maskValue hides values of personal keys, and any other 11-digit string (a CPF), keeping protocols and ids.
func maskValue(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = maskValue(k, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskValue(key, e)
		}
		return out
	case string:
		return maskString(key, x)
	case json.Number:
		if m := maskString(key, x.String()); m != x.String() {
			return m
		}
		return x
	}
	return v
}

func maskString(key, s string) string {
	k := strings.ToLower(key)
	switch {
	case strings.Contains(k, "protocolo") || k == "id" || strings.HasPrefix(k, "id") || k == "status" || k == "message":
		return s
	case strings.Contains(k, "nome") || strings.Contains(k, "name") || k == "mae":
		return model.MaskName(s)
	case strings.Contains(k, "email"):
		return model.MaskEmail(s)
	case strings.Contains(k, "telefone") || strings.Contains(k, "celular") || strings.Contains(k, "phone"):
		return model.MaskPhone(s)
	case strings.Contains(k, "chave") || strings.Contains(k, "cpf"):
		return maskKey(s)
	case strings.Contains(k, "anotacao") || strings.Contains(k, "mensagem") || strings.Contains(k, "texto"):
		return "<" + strconv.Itoa(len(s)) + " bytes>"
	}
	if len(model.Digits(s)) == 11 {
		return model.MaskTerm(s)
	}
	return s
}
