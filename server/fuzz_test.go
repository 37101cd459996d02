package server

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeSearch feeds arbitrary bodies to the decoder and to the whole handler. The committed corpus is in
// testdata/fuzz/FuzzDecodeSearch; run longer with: go test ./server -run '^$' -fuzz FuzzDecodeSearch -fuzztime 1m
func FuzzDecodeSearch(f *testing.F) {
	for _, s := range []string{`{"cpf":"529.982.247-25"}`, `{"nome":"João Pedro","dataNascimento":"05/08/1994"}`,
		`{"busca":"0001.1008.000027.01-0"}`, `{"telefone":5527998765432}`, `[]`, `{"cpf":null}`, `{"a":{"b":[1,{}]}}`} {
		f.Add([]byte(s))
	}
	h := mustNew(f, newDirectory(f, fixture), Options{Logger: discardLogger(), Rate: math.Inf(1)}).Handler() // the fuzzer is one fast credential
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeSearch(body)
		if err == nil {
			if s.Refusal == "" && !s.Empty && s.Query.Empty() {
				t.Fatalf("no refusal for an empty query: %q", body)
			}
			if len(s.Query.Words) > maxWords || len(s.Query.IDs) > maxIDs {
				t.Fatalf("query not bounded: %+v", s.Query)
			}
			for _, w := range s.Query.Words {
				if w == "" || strings.ContainsRune(w, ' ') {
					t.Fatalf("bad word %q", w)
				}
			}
			if d := s.Query.BirthDate; d != "" && len(d) != 10 {
				t.Fatalf("bad birth date %q", d)
			}
			for _, c := range s.Criteria {
				if !utf8.ValidString(c) {
					t.Fatalf("log text is not UTF-8: %q", c)
				}
			}
			for _, c := range s.Criteria { // masked: no long readable run survives
				_, v, _ := strings.Cut(c, "=")
				if n := longestAlnumRun(v); n > 4 {
					t.Fatalf("criterion %q leaks a run of %d characters (body %q)", c, n, body)
				}
			}
		}

		rec := serveRaw(h, http.MethodPost, "/buscaBeneficiarios", string(body))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer is not JSON: %v: %s", err, rec.Body)
		}
		_, rows := out["beneficiarios"]
		if !rows && out["status"] != "false" {
			t.Fatalf("answer has neither shape: %s", rec.Body)
		}
		if (rec.Code == http.StatusBadRequest) != (err != nil) {
			t.Fatalf("status %d but decode error %v", rec.Code, err)
		}
	})
}

func longestAlnumRun(s string) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}
