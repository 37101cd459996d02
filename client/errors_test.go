package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const card = "00011008000027010"

var allKinds = []ErrorKind{KindOther, KindTimeout, KindRefused, KindAuth, KindNotFound, KindBadRequest,
	KindServer, KindMalformed, KindCanceled}

func TestUserMessageEveryKind(t *testing.T) {
	services := map[string]string{"totvs contract " + card: "TOTVS", "mosia ultimosProtocolos": "Mosia",
		"mosia criarOcorrencia": "Mosia", "": "serviço externo"}
	seen := map[string]ErrorKind{}
	for op, svc := range services {
		for _, k := range allKinds {
			e := &Error{Kind: k, Op: op, Status: 503, Reached: ReachNo}
			msg := e.UserMessage()
			assert.NotEmpty(t, msg, "%s %v", op, k)
			assert.Contains(t, msg, svc, "%s %v names the service", op, k)
			assert.True(t, strings.HasSuffix(msg, "."), "%q ends a sentence", msg)
			assert.Regexp(t, `(?i)tente|confira|avise|verifique`, msg, "%q says what to do", msg)
			assert.Regexp(t, `(?i)(^| )(o|a|de|do|da|não|em|ao) `, msg, "%q is pt-BR", msg)
			if op == "totvs contract "+card {
				if prev, dup := seen[msg]; dup {
					t.Errorf("kinds %v and %v share the message %q", prev, k, msg)
				}
				seen[msg] = k
			}
		}
	}
}

func TestUserMessageCarriesVendorText(t *testing.T) {
	e := &Error{Kind: KindNotFound, Op: "totvs contract x", Message: "Beneficiário não encontrado."}
	assert.Contains(t, e.UserMessage(), "“Beneficiário não encontrado”")
	e = &Error{Kind: KindBadRequest, Op: "mosia criarOcorrencia", Message: "idAssunto inválido", Reached: ReachNo}
	assert.Contains(t, e.UserMessage(), "idAssunto inválido")
	e = &Error{Kind: KindServer, Op: "mosia criarOcorrencia", Status: 502, Advice: "conselho próprio"}
	assert.Equal(t, "conselho próprio", e.UserMessage(), "a vendor client's advice wins")
}

func TestSentDefaultsByKind(t *testing.T) {
	for _, k := range allKinds {
		want := k == KindTimeout || k == KindServer || k == KindMalformed
		assert.Equal(t, want, (&Error{Kind: k}).Sent(), k.String())
		assert.True(t, (&Error{Kind: k, Reached: ReachMaybe}).Sent())
		assert.False(t, (&Error{Kind: k, Reached: ReachNo}).Sent())
	}
}

func TestKindOfAndWrapping(t *testing.T) {
	e := &Error{Kind: KindNotFound, Op: "totvs contract " + card, Status: 404, Code: "E001", Message: "Beneficiário não encontrado."}
	wrapped := fmt.Errorf("tela beneficiário: %w", e)
	assert.Equal(t, KindNotFound, KindOf(wrapped))
	assert.True(t, errors.Is(wrapped, ErrNotFound))
	assert.False(t, errors.Is(&Error{Kind: KindServer}, ErrNotFound))
	assert.Equal(t, e.UserMessage(), UserMessage(wrapped))
	assert.Contains(t, e.Error(), "E001")
	assert.Contains(t, e.Error(), "HTTP 404")

	assert.Equal(t, KindCanceled, KindOf(context.Canceled))
	assert.Equal(t, KindTimeout, KindOf(fmt.Errorf("x: %w", context.DeadlineExceeded)))
	assert.Equal(t, KindOther, KindOf(errors.New("boom")))
	assert.Equal(t, "", UserMessage(nil))
	assert.NotEmpty(t, UserMessage(errors.New("boom")))
	assert.NotEmpty(t, UserMessage(context.Canceled))

	inner := errors.New("socket closed")
	assert.Same(t, inner, errors.Unwrap(&Error{Err: inner}))
	assert.Equal(t, "kind(42)", ErrorKind(42).String())
}
