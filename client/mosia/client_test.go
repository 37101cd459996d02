package mosia

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/internal/clienttest"
	"github.com/balcao/balcao/model"
)

const chave = "13331584754"

// occurrence is a valid occurrence for the POST tests.
var occurrence = model.Occurrence{
	Function: 9298, TypeID: 469, SubjectID: 309,
	Requester:   model.Party{Name: "Patrick Oliveira Cabral", ChaveUnica: "13331584754", Phone: "27997981966"},
	Beneficiary: &model.Party{Name: "Fabiana Sophia Melo", ChaveUnica: "52998224725"},
	Note:        "Pedido de reembolso do exame de sangue",
}

func newMosia(url string, mut ...func(*Options)) *Client {
	o := Options{BaseURL: url, Token: "eyJ.tok", Retries: 2, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait}
	for _, m := range mut {
		m(&o)
	}
	return New(o)
}

// calls are the two kinds of Mosia request: a retried GET and a never-retried POST.
var calls = []struct {
	name string
	run  func(ctx context.Context, url string) error
}{
	{"mosia GET", func(ctx context.Context, url string) error {
		_, err := newMosia(url).LatestProtocols(ctx, chave, 3)
		return err
	}},
	{"mosia POST", func(ctx context.Context, url string) error {
		_, err := newMosia(url).CreateOccurrence(ctx, occurrence)
		return err
	}},
}

func TestMosiaLatestProtocolsSeed(t *testing.T) {
	var got http.Header
	var mu sync.Mutex
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		if r.Method != http.MethodGet || r.URL.Path != "/clientes/ocorrencias/ultimosProtocolos" {
			clienttest.WriteJSON(w, 404, []byte(`{"status":false,"message":"rota"}`))
			return
		}
		clienttest.WriteJSON(w, 200, clienttest.Seed(t, "protocols.json"))
	})
	c := newMosia(srv.URL + "/")
	ps, err := c.LatestProtocols(clienttest.Ctx(t), chave, 3)
	require.NoError(t, err)
	require.Len(t, ps, 3)
	assert.Equal(t, "1111120240710000017", ps[0].Number)
	assert.Equal(t, int64(1720625728313), ps[0].Registered.UnixMilli())
	assert.Equal(t, model.Ref{ID: 386, Name: "Em Atendimento (externo)"}, ps[0].Status)
	assert.Equal(t, model.Ref{ID: 171, Name: "Atendimento Ativo"}, ps[0].Type)
	assert.Equal(t, "Reembolso exame", ps[0].Subject)
	assert.Empty(t, ps[2].Subject, "assunto null")
	assert.Equal(t, chave, ps[2].Requester.ChaveUnica)
	assert.NotContains(t, ps[0].Beneficiary.Name, " - ", "the name's chaveUnica suffix is dropped")

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, "eyJ.tok", got.Get("Authorization"), "raw token, no Bearer")
	assert.Equal(t, chave, got.Get("chaveUnica"))
	assert.Equal(t, "3", got.Get("totalProtocolos"))
}

func TestMosiaLatestProtocolsShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"empty list", `{"status":true,"data":[]}`, 0},
		{"null data", `{"status":true,"data":null,"message":"Nenhuma ocorrência"}`, 0},
		{"single object", `{"status":true,"data":{"protocolo":665544120250110090002}}`, 1},
		{"string status", `{"status":"true","data":[{"protocolo":"1"},{"protocolo":"2"}]}`, 2},
		{"statusCode lies", `{"status":true,"statusCode":403,"data":[{"protocolo":"1"}]}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) { clienttest.WriteJSON(w, 200, []byte(tt.body)) })
			ps, err := newMosia(srv.URL).LatestProtocols(clienttest.Ctx(t), chave, 5)
			require.NoError(t, err)
			assert.Len(t, ps, tt.want)
			if tt.name == "single object" {
				assert.Equal(t, "665544120250110090002", ps[0].Number, "21 digits kept exactly")
			}
		})
	}
}

func TestMosiaTotalProtocolosBounds(t *testing.T) {
	var n atomic.Int32
	var last atomic.Value
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		last.Store(r.Header.Get("totalProtocolos"))
		clienttest.WriteJSON(w, 200, []byte(`{"status":true,"data":[]}`))
	})
	c := newMosia(srv.URL)
	for _, bad := range []int{-1, 0, 11, 100} {
		_, err := c.LatestProtocols(clienttest.Ctx(t), chave, bad)
		e := clienttest.AsError(t, err)
		assert.Equal(t, client.KindBadRequest, e.Kind, "n=%d", bad)
		assert.False(t, e.Sent())
		assert.Contains(t, e.UserMessage(), "entre 1 e 10")
	}
	_, err := c.LatestProtocols(clienttest.Ctx(t), "  ", 5)
	assert.Equal(t, client.KindBadRequest, client.KindOf(err), "blank chaveUnica")
	assert.EqualValues(t, 0, n.Load(), "nothing sent for invalid input")
	for _, good := range []int{1, 10} {
		_, err := c.LatestProtocols(clienttest.Ctx(t), chave, good)
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(good), last.Load())
	}
	assert.EqualValues(t, 2, n.Load())
}

func TestMosiaStatusFalse(t *testing.T) {
	for _, cl := range calls {
		t.Run(cl.name, func(t *testing.T) {
			var n atomic.Int32
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				clienttest.WriteJSON(w, 200, []byte(`{"status":false,"data":null,"message":"Beneficiário sem permissão","statusCode":200}`))
			})
			e := clienttest.AsError(t, cl.run(clienttest.Ctx(t), srv.URL))
			assert.Equal(t, client.KindBadRequest, e.Kind)
			assert.Equal(t, 200, e.Status)
			assert.Equal(t, "Beneficiário sem permissão", e.Message)
			assert.False(t, e.Sent())
			assert.EqualValues(t, 1, n.Load())
			assert.Contains(t, e.UserMessage(), "Beneficiário sem permissão")
		})
	}
}

func TestMosiaCreateOccurrenceProtocolShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"data.protocolo string", `{"status":true,"data":{"protocolo":"1111120240710000017"},"message":"ok"}`, "1111120240710000017"},
		{"data.protocolo 21-digit number", `{"status":true,"data":{"protocolo":665544120250110090002}}`, "665544120250110090002"},
		{"data.ocorrencia.protocolo", `{"status":true,"data":{"funcionalidade":{"id":null},"ocorrencia":{"protocolo":"10101020221129000001"}}}`, "10101020221129000001"},
		{"data[0].protocolo", `{"status":true,"data":[{"protocolo":"1111120240709000003"},{"protocolo":"9"}]}`, "1111120240709000003"},
		{"data[0].ocorrencia.protocolo", `{"status":true,"data":[{"ocorrencia":{"protocolo":"123456789012345678901"}}]}`, "123456789012345678901"},
		{"top-level protocolo", `{"protocolo":"1111120250101000001"}`, "1111120250101000001"},
		{"top-level protocolo number", `{"status":true,"data":{},"protocolo":10101020221129000002}`, "10101020221129000002"},
		{"data.idOcorrencia", `{"status":true,"data":{"idOcorrencia":987654}}`, "987654"},
		{"top-level idOcorrencia", `{"status":true,"idOcorrencia":"555"}`, "555"},
		{"data.id", `{"status":true,"data":{"id":"64dcd2b1342146345191ee00"}}`, "64dcd2b1342146345191ee00"},
		{"top-level id", `{"id":12345678901234567890123}`, "12345678901234567890123"},
		{"bare data", `{"status":true,"data":"1111120240710000099"}`, "1111120240710000099"},
		{"protocolo wins over id", `{"status":true,"data":{"id":1,"protocolo":"1111120240710000018"}}`, "1111120240710000018"},
		{"key case", `{"status":true,"data":{"Protocolo":"1111120240710000019"}}`, "1111120240710000019"},
		{"201 created", `{"status":true,"data":{"protocolo":"1111120240710000020"}}`, "1111120240710000020"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var posts atomic.Int32
			var sent OccurrenceRequest
			var mu sync.Mutex
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/clientes/ocorrencias" ||
					r.Header.Get("Authorization") != "eyJ.tok" || r.Header.Get("Content-Type") != "application/json" {
					clienttest.WriteJSON(w, 400, []byte(`{"status":false,"message":"pedido errado"}`))
					return
				}
				posts.Add(1)
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				_ = json.Unmarshal(b, &sent)
				mu.Unlock()
				status := 200
				if tt.name == "201 created" {
					status = 201
				}
				clienttest.WriteJSON(w, status, []byte(tt.body))
			})
			p, err := newMosia(srv.URL).CreateOccurrence(clienttest.Ctx(t), occurrence)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p)
			assert.EqualValues(t, 1, posts.Load())
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, requestOf(occurrence), sent, "the body arrives intact")
		})
	}
}

// fallbackServer answers the POST without a protocol and lists protocols per chaveUnica.
func fallbackServer(t *testing.T, lists map[string]string, gets *atomic.Int32, asked *sync.Map) string {
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			clienttest.WriteJSON(w, 200, []byte(`{"status":true,"data":{},"message":"Ocorrência criada com sucesso."}`))
		case http.MethodGet:
			gets.Add(1)
			k := r.Header.Get("chaveUnica")
			asked.Store(k, r.Header.Get("totalProtocolos"))
			body, ok := lists[k]
			if !ok {
				body = `{"status":true,"data":[]}`
			}
			clienttest.WriteJSON(w, 200, []byte(body))
		}
	})
	return srv.URL
}

func protocolList(entries ...[2]string) string {
	var items []map[string]any
	for _, e := range entries {
		items = append(items, map[string]any{"protocolo": e[0], "data_registro": e[1],
			"tipoOcorrencia": map[string]any{"id": 171, "descricao": "Atendimento Ativo"}, "assunto": nil})
	}
	b, _ := json.Marshal(map[string]any{"status": true, "data": items})
	return string(b)
}

func TestMosiaCreateOccurrenceFallback(t *testing.T) {
	now := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	benef := occurrence.Beneficiary.ChaveUnica
	tests := []struct {
		name     string
		lists    map[string]string
		want     string
		wantGets int32
	}{
		{"requester's newest", map[string]string{chave: protocolList(
			[2]string{"665544120250110090002", ms(2 * time.Second)})}, "665544120250110090002", 1},
		{"newest by data_registro, not order", map[string]string{chave: protocolList(
			[2]string{"1111120250110000001", ms(-time.Minute)}, [2]string{"1111120250110000002", ms(time.Second)})},
			"1111120250110000002", 1},
		{"beneficiary when the requester has none", map[string]string{benef: protocolList(
			[2]string{"1111120250110000003", ms(time.Second)})}, "1111120250110000003", 2},
		{"slightly behind our clock", map[string]string{chave: protocolList(
			[2]string{"1111120250110000004", ms(-3 * time.Minute)})}, "1111120250110000004", 1},
		{"too old: not ours", map[string]string{chave: protocolList(
			[2]string{"1111120240710000017", "1720625728313"})}, "", 2},
		{"unreadable date: not taken", map[string]string{chave: protocolList(
			[2]string{"1111120250110000005", "ontem"})}, "", 2},
		{"nothing anywhere", nil, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gets atomic.Int32
			var asked sync.Map
			c := newMosia(fallbackServer(t, tt.lists, &gets, &asked))
			c.now = func() time.Time { return now }
			p, err := c.CreateOccurrence(clienttest.Ctx(t), occurrence)
			assert.Equal(t, tt.wantGets, gets.Load())
			v, ok := asked.Load(chave)
			require.True(t, ok, "the requester's chaveUnica is asked first")
			assert.Equal(t, "1", v, "totalProtocolos=1")
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, p)
				return
			}
			e := clienttest.AsError(t, err)
			assert.Equal(t, client.KindMalformed, e.Kind)
			assert.True(t, e.Sent(), "the occurrence was accepted: never resend")
			assert.Contains(t, e.UserMessage(), "não envie de novo")
		})
	}
}

func TestMosiaLogsAreMasked(t *testing.T) {
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			clienttest.WriteJSON(w, 200, []byte(`{"status":true,"data":{"ocorrencia":{"protocolo":"10101020221129000001",
				"solicitante":{"nome":"Patrick Oliveira Cabral - 13331584754","chaveUnica":"13331584754",
				"telefone":"27997981966","email":"patrick@example.com"}}}}`))
			return
		}
		clienttest.WriteJSON(w, 200, clienttest.Seed(t, "protocols.json"))
	})
	lg, logs := clienttest.DebugLogger()
	c := newMosia(srv.URL, func(o *Options) { o.Logger = lg })
	_, err := c.LatestProtocols(clienttest.Ctx(t), chave, 3)
	require.NoError(t, err)
	p, err := c.CreateOccurrence(clienttest.Ctx(t), occurrence)
	require.NoError(t, err)
	assert.Equal(t, "10101020221129000001", p)
	out := logs.String()
	require.Contains(t, out, "10101020221129000001", "the raw answer is logged at debug")
	for _, secret := range []string{chave, "Patrick", "Oliveira", "27997981966", "patrick@", "eyJ.tok"} {
		assert.NotContains(t, out, secret)
	}
}

func TestPing(t *testing.T) {
	tests := []struct {
		status int
		want   client.ErrorKind // client.KindOther means healthy
	}{
		{200, client.KindOther}, {404, client.KindOther}, {405, client.KindOther}, {400, client.KindOther},
		{401, client.KindAuth}, {403, client.KindAuth}, {503, client.KindServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			var methods sync.Map
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				methods.Store(r.Method+" "+r.URL.Path, true)
				w.WriteHeader(tt.status)
			})
			err := newMosia(srv.URL).Ping(clienttest.Ctx(t))
			if tt.want == client.KindOther {
				assert.NoError(t, err)
			} else {
				assert.Equal(t, tt.want, client.KindOf(err))
			}
			_, ok := methods.Load("HEAD /clientes/ocorrencias/ultimosProtocolos")
			assert.True(t, ok)
		})
	}
	t.Run("refused", func(t *testing.T) {
		assert.Equal(t, client.KindRefused, client.KindOf(newMosia(clienttest.ClosedPort(t)).Ping(clienttest.Ctx(t))))
	})
}

func TestMosiaCreateOccurrenceUnreadableAnswerStillRecovers(t *testing.T) {
	for name, body := range map[string]string{"empty 201": "", "html 200": "<html>ok</html>"} {
		t.Run(name, func(t *testing.T) {
			var posts atomic.Int32
			now := time.Now()
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posts.Add(1)
					w.WriteHeader(201)
					_, _ = w.Write([]byte(body))
					return
				}
				clienttest.WriteJSON(w, 200, []byte(protocolList([2]string{"1111120250110000042", strconv.FormatInt(now.UnixMilli(), 10)})))
			})
			p, err := newMosia(srv.URL).CreateOccurrence(clienttest.Ctx(t), occurrence)
			require.NoError(t, err)
			assert.Equal(t, "1111120250110000042", p)
			assert.EqualValues(t, 1, posts.Load())
		})
	}
}
