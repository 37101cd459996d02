package mosia

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
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

const protocolo = "10101020221129000001"

// testdata/detail.json is the vendor's detail example with its elided values ("…") filled in, and, as its form
// item, the formData example of the create page.
func TestMosiaDetailSeed(t *testing.T) {
	var path string
	var mu sync.Mutex
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		path = r.Method + " " + r.URL.Path
		mu.Unlock()
		clienttest.WriteJSON(w, 200, clienttest.Seed(t, "detail.json"))
	})
	d, err := newMosia(srv.URL).Detail(clienttest.Ctx(t), protocolo)
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, "GET /clientes/ocorrencias/"+protocolo, path)
	mu.Unlock()
	assert.Equal(t, protocolo, d.Number)
	assert.Equal(t, model.Ref{ID: 128, Name: "Solicitação"}, d.Type)
	assert.Equal(t, "Atualização cadastral", d.Subject)
	assert.Equal(t, 173, d.SubjectID)
	assert.Equal(t, time.Date(2022, 11, 29, 16, 44, 19, 533e6, time.UTC), d.Registered.UTC())
	assert.Equal(t, time.Date(2022, 12, 2, 16, 44, 19, 533e6, time.UTC), d.SLADue.UTC())
	assert.True(t, d.SLAOverdue(time.Date(2022, 12, 3, 0, 0, 0, 0, time.UTC)), "vencido")
	assert.False(t, d.SLAOverdue(time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, "13331584754", d.Requester.ChaveUnica)
	assert.Equal(t, "00100200300400500609", d.Contract)
	assert.Empty(t, d.Channel, "placeholders are dropped")
	assert.Empty(t, d.Nature)
	assert.Equal(t, model.Ref{}, d.Function, "null ids")
	assert.False(t, d.NotesKnown, "the vendor's example says nothing about notes")
	assert.False(t, d.DraftKnown)
	require.Len(t, d.Forms, 1)
	assert.Equal(t, "633c6daf04cf7c362778475f", d.Forms[0].ID)
	assert.Equal(t, []model.Field{{Label: "nome", Value: "Everson Delmaschio dos Santos"},
		{Label: "estado-civil", Value: "Solteiro"}, {Label: "estado", Value: "Espírito Santo, ES"},
		{Label: "cidade", Value: "Vila Velha"}}, d.Forms[0].Answers, "answers in the form's order, choices by label, empties dropped")
}

func TestMosiaDetailShapes(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, d *model.ProtocolDetail)
	}{
		{"notes, outcome, draft, webhook body", `{"status":true,"data":{"_id":"x","body":{"ocorrencia":{
			"protocolo":10101020221129000001,"status":{"id":"249","descricao":"Encerrado"},"rascunho":"false",
			"assunto":"Reembolso exame","solicitante":{"nome":"Patrick Oliveira Cabral - 13331584754","chaveUnica":13331584754},
			"anotacoes":[{"mensagem":"Ligou.","publica":true,"idAtendente":44,"dataRegistro":"2022-11-30T10:00:00.000Z"},
			{"mensagem":"Interna","publica":"false"}],"desfecho":{"texto":"Pago.","motivo":{"id":2261,"descricao":"Solicitação atendida"}},
			"solicitacao":{"formularios":[{"idForm":"f","itens":[{"label":"Nome","valor":"Ana"},{"rotulo":"Vazio","resposta":""}]}]}}}}}`,
			func(t *testing.T, d *model.ProtocolDetail) {
				assert.Equal(t, protocolo, d.Number, "a numeric protocol is kept verbatim")
				assert.Equal(t, model.Ref{ID: 249, Name: "Encerrado"}, d.Status)
				assert.True(t, d.DraftKnown)
				assert.False(t, d.Draft)
				assert.Equal(t, "Reembolso exame", d.Subject, "a plain-string subject too")
				assert.Equal(t, model.Party{Name: "Patrick Oliveira Cabral", ChaveUnica: "13331584754"}, d.Requester)
				assert.Equal(t, d.Requester, d.Beneficiary, "no beneficiary: the requester")
				require.True(t, d.NotesKnown)
				assert.Equal(t, []model.Note{{Text: "Ligou.", Public: true, AttendantID: 44,
					At: time.Date(2022, 11, 30, 10, 0, 0, 0, time.UTC)}, {Text: "Interna"}}, d.Notes)
				assert.Equal(t, "Pago.", d.Outcome)
				assert.Equal(t, model.Ref{ID: 2261, Name: "Solicitação atendida"}, d.ClosingReason)
				assert.Equal(t, []model.FormView{{ID: "f", Answers: []model.Field{{Label: "Nome", Value: "Ana"}}}}, d.Forms)
			}},
		{"empty lists", `{"status":true,"data":{"ocorrencia":{"protocolo":"1","anotacoes":[],"solicitacao":{"formularios":[]}}}}`,
			func(t *testing.T, d *model.ProtocolDetail) {
				assert.True(t, d.NotesKnown)
				assert.Empty(t, d.Notes)
				assert.Empty(t, d.Forms)
				assert.True(t, d.SLADue.IsZero())
				assert.False(t, d.SLAOverdue(time.Now()), "no SLA, never overdue")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) { clienttest.WriteJSON(w, 200, []byte(tt.body)) })
			d, err := newMosia(srv.URL).Detail(clienttest.Ctx(t), protocolo)
			require.NoError(t, err)
			tt.check(t, d)
		})
	}
}

func TestMosiaDetailErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		kind     client.ErrorKind
		inAdvice string
	}{
		{"not found", 404, `{"status":false,"message":"Ocorrência não encontrada.","statusCode":404}`, client.KindNotFound,
			"não encontrou o protocolo " + protocolo + ": “Ocorrência não encontrada”"},
		{"refused in a 2xx, operator shape", 200, `{"status":"false","mensagem":"Protocolo de outra operadora"}`,
			client.KindBadRequest, "Protocolo de outra operadora"},
		{"no data", 200, `{"status":true,"data":null}`, client.KindMalformed, ""},
		{"not JSON", 200, `<html>proxy</html>`, client.KindMalformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
				clienttest.WriteJSON(w, tt.status, []byte(tt.body))
			})
			_, err := newMosia(srv.URL).Detail(clienttest.Ctx(t), protocolo)
			e := clienttest.AsError(t, err)
			assert.Equal(t, tt.kind, e.Kind)
			assert.Contains(t, e.UserMessage(), tt.inAdvice)
		})
	}
}

// followUpServer records what each follow-up call sent and answers with status and body.
type followUpServer struct {
	mu     sync.Mutex
	calls  atomic.Int32
	method string
	path   string
	ctype  string
	auth   string
	body   map[string]any
	status int
	answer string
}

func serveFollowUps(t *testing.T, status int, answer string) (*followUpServer, string) {
	s := &followUpServer{status: status, answer: answer}
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.method, s.path, s.ctype, s.auth = r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Authorization")
		s.body = nil
		d := json.NewDecoder(bytesReader(b))
		d.UseNumber()
		_ = d.Decode(&s.body)
		s.mu.Unlock()
		clienttest.WriteJSON(w, s.status, []byte(s.answer))
	})
	return s, srv.URL
}

var (
	noteUp = model.FollowUp{Protocol: protocolo, Requester: "13331584754", AttendantID: 274,
		Note: &model.NoteAction{Text: "Beneficiário pediu retorno — ligar às 14h.", Public: false}}
	closeUp = model.FollowUp{Protocol: protocolo, Requester: "13331584754", AttendantID: 44,
		Status: &model.StatusAction{StatusID: 249, ReasonID: 2261, Outcome: "Atendido."}}
	activateUp = model.FollowUp{Protocol: protocolo, Requester: "13331584754", Activate: true}
)

func TestMosiaFollowUpRequests(t *testing.T) {
	tests := []struct {
		name   string
		f      model.FollowUp
		method string
		path   string
		body   map[string]any
	}{
		{"note", noteUp, http.MethodPost, "/anotacao", map[string]any{"publica": false,
			"mensagem": "Beneficiário pediu retorno — ligar às 14h.", "idAtendente": json.Number("274"),
			"chaveUnicaSolicitante": "13331584754"}},
		{"close", closeUp, http.MethodPut, "/status", map[string]any{"idNovoStatus": json.Number("249"),
			"textoDesfecho": "Atendido.", "idMotivoEncerramento": json.Number("2261"), "idAtendente": json.Number("44"),
			"chaveUnicaSolicitante": "13331584754"}},
		{"status without reason", model.FollowUp{Protocol: protocolo, Requester: "13331584754",
			Status: &model.StatusAction{StatusID: 386}}, http.MethodPut, "/status",
			map[string]any{"idNovoStatus": json.Number("386"), "chaveUnicaSolicitante": "13331584754"}},
		{"activate", activateUp, http.MethodPut, "/ativar", map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := serveFollowUps(t, 200, `{"status":true,"data":{},"message":"ok"}`)
			require.NoError(t, newMosia(url).Apply(clienttest.Ctx(t), tt.f))
			s.mu.Lock()
			defer s.mu.Unlock()
			assert.Equal(t, tt.method, s.method)
			assert.Equal(t, "/clientes/ocorrencias/"+protocolo+tt.path, s.path)
			assert.Equal(t, "application/json", s.ctype)
			assert.Equal(t, "eyJ.tok", s.auth, "the raw token")
			assert.Equal(t, tt.body, s.body, "ids are numbers, keys are strings")
		})
	}
}

func TestMosiaFollowUpAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		answer  string
		kind    client.ErrorKind // -1: no error
		sent    bool
		message string
	}{
		{"2xx empty body", 200, ``, -1, false, ""},
		{"204", 204, ``, -1, false, ""},
		{"envelope ok", 201, `{"status":true,"message":"Anotação registrada"}`, -1, false, ""},
		{"status false in a 2xx keeps mensagem", 200, `{"status":"false","mensagem":"A ocorrência não está em rascunho."}`,
			client.KindBadRequest, false, "A ocorrência não está em rascunho."},
		{"status false with message", 200, `{"status":false,"message":"Status inválido"}`, client.KindBadRequest, false, "Status inválido"},
		{"400 with mensagem", 400, `{"status":"false","mensagem":"idNovoStatus obrigatório"}`, client.KindBadRequest, false,
			"idNovoStatus obrigatório"},
		{"404", 404, `{"status":false,"message":"Ocorrência não encontrada."}`, client.KindNotFound, false, "Ocorrência não encontrada."},
		{"500 may have applied", 500, `{"status":false,"message":"erro"}`, client.KindServer, true, "erro"},
		{"2xx not JSON may have applied", 200, `<html>ok</html>`, client.KindMalformed, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := serveFollowUps(t, tt.status, tt.answer)
			err := newMosia(url).AddNote(clienttest.Ctx(t), noteUp)
			assert.EqualValues(t, 1, s.calls.Load(), "a change is never retried by the client")
			if tt.kind == -1 {
				require.NoError(t, err)
				return
			}
			e := clienttest.AsError(t, err)
			assert.Equal(t, tt.kind, e.Kind)
			assert.Equal(t, tt.sent, e.Sent(), "only an answer that may hide an applied change says Sent")
			assert.Equal(t, tt.message, e.Message)
			if tt.message != "" {
				assert.Contains(t, e.UserMessage(), quotedMsg(tt.message), "Mosia's words reach the attendant")
			}
		})
	}
}

func quotedMsg(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '.' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}

func TestMosiaFollowUpRefusedBeforeSending(t *testing.T) {
	s, url := serveFollowUps(t, 200, ``)
	c := newMosia(url)
	bad := []model.FollowUp{
		{Protocol: "abc", Activate: true},
		{Protocol: protocolo, Note: &model.NoteAction{Text: " "}},
		{Protocol: protocolo, Requester: "1", Status: &model.StatusAction{StatusID: 249, Outcome: "sem motivo"}},
		{Protocol: protocolo},
	}
	for _, f := range bad {
		e := clienttest.AsError(t, c.Apply(clienttest.Ctx(t), f))
		assert.Equal(t, client.KindBadRequest, e.Kind)
		assert.False(t, e.Sent())
		assert.NotEmpty(t, e.UserMessage())
	}
	_, err := c.Detail(clienttest.Ctx(t), "1111 2024")
	assert.Equal(t, client.KindBadRequest, client.KindOf(err))
	assert.Zero(t, s.calls.Load(), "nothing sent")
}

func TestMosiaFollowUpConnectionRefusedNeverReached(t *testing.T) {
	err := newMosia(clienttest.ClosedPort(t)).ChangeStatus(clienttest.Ctx(t), closeUp)
	e := clienttest.AsError(t, err)
	assert.Equal(t, client.KindRefused, e.Kind)
	assert.False(t, e.Sent(), "refused before sending: safe to resend")
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// The Protocolos tab keeps who opened each protocol: the list's solicitante, told apart from the beneficiary.
func TestMosiaProtocolKeepsTheRequester(t *testing.T) {
	p := Protocol{Protocolo: "1", Beneficiario: Person{Nome: "Patrick Oliveira Cabral - 13331584754", ChaveUnica: "13331584754"},
		Solicitante: Person{Nome: "Fabiana Sophia Melo", ChaveUnica: "41823957609"}}
	m := p.Model()
	assert.Equal(t, model.Party{Name: "Fabiana Sophia Melo", ChaveUnica: "41823957609"}, m.Requester)
	assert.Equal(t, "Patrick Oliveira Cabral", m.Beneficiary.Name)
	assert.True(t, m.RequestedByOther())
}
