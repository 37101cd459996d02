package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// openAPIDoc is docs/openapi.yaml, decoded generically and normalised to JSON types.
type openAPIDoc map[string]any

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	raw, err := os.ReadFile("../docs/openapi.yaml")
	require.NoError(t, err)
	var y any
	require.NoError(t, yaml.Unmarshal(raw, &y))
	b, err := json.Marshal(y) // YAML maps → JSON objects, so values compare like the handler's JSON
	require.NoError(t, err)
	var doc openAPIDoc
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

// at walks a path of keys; it fails the test when one is missing.
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		require.True(t, ok, "%s: not an object", k)
		v, ok = m[k]
		require.True(t, ok, "missing key %q (path %v)", k, keys)
	}
	return v
}

// resolve follows a local $ref.
func (d openAPIDoc) resolve(t *testing.T, v any) any {
	t.Helper()
	for {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		require.True(t, strings.HasPrefix(ref, "#/"), ref)
		v = at(t, map[string]any(d), strings.Split(ref[2:], "/")...)
	}
}

// validate checks value against the subset of JSON Schema the document uses.
func (d openAPIDoc) validate(t *testing.T, schema, value any) error {
	s, _ := d.resolve(t, schema).(map[string]any)
	if value == nil && s["nullable"] == true {
		return nil
	}
	if alts, ok := s["anyOf"].([]any); ok {
		var errs []string
		for _, a := range alts {
			err := d.validate(t, a, value)
			if err == nil {
				return nil
			}
			errs = append(errs, err.Error())
		}
		return fmt.Errorf("no anyOf alternative fits: %s", strings.Join(errs, "; "))
	}
	if alts, ok := s["oneOf"].([]any); ok {
		var errs []string
		for _, a := range alts {
			if err := d.validate(t, a, value); err == nil {
				return nil
			} else {
				errs = append(errs, err.Error())
			}
		}
		return fmt.Errorf("no oneOf alternative fits: %s", strings.Join(errs, "; "))
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, value) {
		return fmt.Errorf("%v not in enum %v", value, enum)
	}
	switch s["type"] {
	case "object":
		obj, ok := value.(map[string]any)
		if !ok {
			return fmt.Errorf("%v is not an object", value)
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				return fmt.Errorf("missing required %q in %v", r, obj)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, v := range obj {
			if ps, ok := props[k]; ok {
				if err := d.validate(t, ps, v); err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				if err := d.validate(t, ap, v); err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
			}
		}
	case "array":
		arr, ok := value.([]any)
		if !ok {
			return fmt.Errorf("%v is not an array", value)
		}
		for i, v := range arr {
			if err := d.validate(t, s["items"], v); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
	case "string":
		if _, ok := value.(string); !ok {
			return fmt.Errorf("%v is not a string", value)
		}
	case "integer":
		if f, ok := value.(float64); !ok || f != float64(int64(f)) {
			return fmt.Errorf("%v is not an integer", value)
		}
	case "number":
		if _, ok := value.(float64); !ok {
			return fmt.Errorf("%v is not a number", value)
		}
	}
	return nil
}

// responseSchema returns the JSON schema and examples documented for an operation's status.
func (d openAPIDoc) response(t *testing.T, op any, status int) map[string]any {
	t.Helper()
	resp := d.resolve(t, at(t, op, "responses", fmt.Sprint(status)))
	return at(t, resp, "content", "application/json").(map[string]any)
}

func TestOpenAPIDocumentsTheHandler(t *testing.T) {
	doc := loadOpenAPI(t)
	assert.True(t, strings.HasPrefix(doc["openapi"].(string), "3."))
	want := map[string]map[string][]string{
		"/buscaBeneficiarios": {"post": {"200", "400", "401", "405", "413", "429", "500", "503"}},
		"/autorizacao":        {"post": {"200", "400", "401", "404", "405", "413", "429"}},
		"/healthz":            {"get": {"200", "503"}},
		"/metrics":            {"get": {"200"}},
	}
	paths := at(t, map[string]any(doc), "paths").(map[string]any)
	require.Len(t, paths, len(want))
	for p, ops := range want {
		require.Len(t, at(t, paths, p), len(ops), p)
		for m, codes := range ops {
			var got []string
			for c := range at(t, paths, p, m, "responses").(map[string]any) {
				got = append(got, c)
			}
			sort.Strings(got)
			assert.Equal(t, codes, got, "%s %s status codes", p, m)
		}
	}

	secret := "segredo-teste"
	e := startServer(t, newDirectory(t, fixture), Options{Secret: secret, AuthUser: "mosia", AuthPassword: "s3nha"})
	for p, ops := range want {
		for m := range ops {
			op := at(t, paths, p, m)
			if m != "post" {
				code, b := e.do(t, strings.ToUpper(m), p, "")
				require.Equal(t, http.StatusOK, code)
				if p == "/healthz" {
					var got any
					require.NoError(t, json.Unmarshal(b, &got))
					assert.NoError(t, doc.validate(t, doc.response(t, op, code)["schema"], got))
				}
				continue
			}
			examples := at(t, op, "requestBody", "content", "application/json", "examples").(map[string]any)
			require.NotEmpty(t, examples)
			for name, ex := range examples {
				t.Run(p+"/"+name, func(t *testing.T) {
					body, err := json.Marshal(at(t, ex, "value"))
					require.NoError(t, err)
					reqSchema := at(t, op, "requestBody", "content", "application/json", "schema")
					if err := doc.validate(t, reqSchema, at(t, ex, "value")); at(t, ex, "x-status") == 200.0 {
						assert.NoError(t, err, "an example the service answers must fit the documented request schema")
					} else if p == "/buscaBeneficiarios" {
						assert.Error(t, err, "an example the service refuses as malformed must not fit the schema")
					}
					code, b := e.do(t, http.MethodPost, p, string(body), "Authorization", secret)
					assert.EqualValues(t, at(t, ex, "x-status"), code, "body %s", b)
					documented := doc.response(t, op, code)
					var got any
					require.NoError(t, json.Unmarshal(b, &got))
					require.NoError(t, doc.validate(t, documented["schema"], got), "answer %s", b)
					if name, ok := ex.(map[string]any)["x-resposta"].(string); ok {
						want := at(t, documented, "examples", name, "value")
						assert.Equal(t, want, got, "documented example %q differs from the real answer", name)
					}
				})
			}
		}
	}

	// Every documented response example fits its own schema.
	for p := range want {
		for m := range want[p] {
			for code, resp := range at(t, paths, p, m, "responses").(map[string]any) {
				content, _ := at(t, doc.resolve(t, resp), "content").(map[string]any)
				js, ok := content["application/json"].(map[string]any)
				if !ok {
					continue
				}
				exs, _ := js["examples"].(map[string]any)
				for name, ex := range exs {
					assert.NoError(t, doc.validate(t, js["schema"], at(t, ex, "value")), "%s %s %s %s", p, m, code, name)
				}
			}
		}
	}

	// The failure codes the document lists are the ones the handler gives.
	code, b := e.do(t, http.MethodPost, "/buscaBeneficiarios", `{"cpf":"1"}`)
	assert.Equal(t, http.StatusUnauthorized, code)
	var got any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.NoError(t, doc.validate(t, doc.response(t, at(t, paths, "/buscaBeneficiarios", "post"), code)["schema"], got))
}
