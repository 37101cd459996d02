package mosia

import (
	"bytes"
	"encoding/json"

	"github.com/balcao/balcao/client"
)

// The wire types below are Mosia Omnichannel's "Api clientes" shapes as the vendor sends and takes them (see
// docs/upstreams.md). They stop at this package: the rest of balcão sees the model types the client converts them to.

// FlexString reads a JSON string or number and keeps it as a string.
type FlexString = client.FlexString

// Envelope is Mosia's generic response envelope. Trust the HTTP status and Status, not StatusCode.
type Envelope struct {
	Status     bool            `json:"status"`
	Data       json.RawMessage `json:"data,omitempty"`
	Message    string          `json:"message,omitempty"`
	Critical   []any           `json:"critical,omitempty"`
	StatusCode int             `json:"statusCode,omitempty"`
	Timestamp  int64           `json:"timestamp,omitempty"`
}

// IDDesc is Mosia's {id, descricao} pair.
type IDDesc struct {
	ID        FlexString `json:"id"`
	Descricao string     `json:"descricao"`
}

// Person is a Mosia requester or beneficiary as listed with a protocol.
type Person struct {
	Nome       string `json:"nome"`
	ChaveUnica string `json:"chaveUnica"`
}

// Protocol is one item of GET /clientes/ocorrencias/ultimosProtocolos.
type Protocol struct {
	Protocolo       FlexString `json:"protocolo"`
	TipoOcorrencia  IDDesc     `json:"tipoOcorrencia"`
	DataRegistro    FlexString `json:"data_registro"`
	DataAtualizacao FlexString `json:"data_atualizacao"`
	Status          IDDesc     `json:"status"`
	Assunto         Assunto    `json:"assunto"`
	Beneficiario    Person     `json:"beneficiario"`
	Solicitante     Person     `json:"solicitante"`
}

// Assunto is a protocol's subject: a plain string or null in the list, an {id, descricao} object in the detail.
type Assunto struct {
	ID        string
	Descricao string
	Present   bool
}

// UnmarshalJSON reads a string, an object or null.
func (a *Assunto) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*a = Assunto{}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = Assunto{Descricao: s, Present: true}
		return nil
	}
	var o IDDesc
	if err := json.Unmarshal(b, &o); err != nil {
		return nil // tolerate any other shape: no subject
	}
	*a = Assunto{ID: string(o.ID), Descricao: o.Descricao, Present: true}
	return nil
}

// MarshalJSON writes the list shape: a string or null.
func (a Assunto) MarshalJSON() ([]byte, error) {
	if !a.Present {
		return []byte("null"), nil
	}
	return json.Marshal(a.Descricao)
}

// Requester is the solicitante/beneficiario object of a new occurrence.
type Requester struct {
	Nome           string `json:"nome"`
	ChaveUnica     string `json:"chaveUnica"`
	Email          string `json:"email,omitempty"`
	Telefone       string `json:"telefone,omitempty"`
	NumeroContrato string `json:"numeroContrato,omitempty"`
}

// Form is one filled form of a new occurrence; FormData is an array of objects.
type Form struct {
	IDForm   string           `json:"idForm"`
	FormData []map[string]any `json:"formData"`
}

// OccurrenceRequest is the body of POST /clientes/ocorrencias.
type OccurrenceRequest struct {
	IDFuncionalidade int        `json:"idFuncionalidade,omitempty"`
	IDTipoOcorrencia int        `json:"idTipoOcorrencia"`
	IDAssunto        int        `json:"idAssunto,omitempty"`
	Rascunho         bool       `json:"rascunho"`
	Solicitante      Requester  `json:"solicitante"`
	NumeroContrato   string     `json:"numeroContrato,omitempty"`
	Beneficiario     *Requester `json:"beneficiario,omitempty"`
	Anotacao         string     `json:"anotacao,omitempty"`
	Formularios      []Form     `json:"formularios,omitempty"`
}

// FlexBool reads a boolean written as a boolean, a string or a number.
type FlexBool = client.FlexBool

// Detail is the data of GET /clientes/ocorrencias/{protocolo}; Mosia's webhooks send the same object.
type Detail struct {
	Funcionalidade IDDesc           `json:"funcionalidade"`
	Ocorrencia     DetailOccurrence `json:"ocorrencia"`
}

// DetailOccurrence is an occurrence as its detail shows it: ISO dates, the subject as an object, placeholders
// ("implementação futura") in fields the vendor has not implemented. Anotacoes and Desfecho are not in the
// vendor's published example (see docs/upstreams.md): read when present.
type DetailOccurrence struct {
	Protocolo           FlexString    `json:"protocolo"`
	DataRegistro        FlexString    `json:"dataRegistro"`
	DataAtualizacao     FlexString    `json:"dataAtualizacao"`
	DataVencimentoSla   FlexString    `json:"dataVencimentoSla"`
	TipoOcorrencia      IDDesc        `json:"tipoOcorrencia"`
	Assunto             Assunto       `json:"assunto"`
	Status              IDDesc        `json:"status"`
	Rascunho            FlexBool      `json:"rascunho"`
	Solicitante         DetailPerson  `json:"solicitante"`
	Beneficiario        *DetailPerson `json:"beneficiario"`
	Canal               IDDesc        `json:"canal"`
	NaturezaAtendimento IDDesc        `json:"naturezaAtendimento"`
	Anotacao            FlexString    `json:"anotacao"`
	Anotacoes           *[]Annotation `json:"anotacoes"` // nil: the answer says nothing about annotations
	Desfecho            *Outcome      `json:"desfecho"`
	Solicitacao         Solicitacao   `json:"solicitacao"`
}

// DetailPerson is the requester or the beneficiary in an occurrence's detail.
type DetailPerson struct {
	Nome           string     `json:"nome"`
	ChaveUnica     FlexString `json:"chaveUnica"`
	Email          string     `json:"email"`
	Telefone       FlexString `json:"telefone"`
	NumeroContrato FlexString `json:"numeroContrato"`
	Integracao     any        `json:"integracao,omitempty"`
}

// Annotation is one note on an occurrence.
type Annotation struct {
	Mensagem     string     `json:"mensagem"`
	Publica      FlexBool   `json:"publica"`
	IDAtendente  FlexString `json:"idAtendente"`
	DataRegistro FlexString `json:"dataRegistro"`
}

// Outcome is how an occurrence was closed: the text and the closing reason.
type Outcome struct {
	Texto  string `json:"texto"`
	Motivo IDDesc `json:"motivo"`
}

// Solicitacao holds the template and the filled forms of an occurrence.
type Solicitacao struct {
	Template    IDDesc       `json:"template"`
	Formularios []DetailForm `json:"formularios"`
}

// DetailForm is one filled form: its items are objects (the answers keyed by field, or one labelled answer each).
type DetailForm struct {
	Nome   FlexString        `json:"nome"`
	IDForm FlexString        `json:"idForm"`
	Itens  []json.RawMessage `json:"itens"`
}

// NoteRequest is the body of POST /clientes/ocorrencias/{protocolo}/anotacao.
type NoteRequest struct {
	Publica               bool   `json:"publica"`
	Mensagem              string `json:"mensagem"`
	IDAtendente           int    `json:"idAtendente,omitempty"`
	ChaveUnicaSolicitante string `json:"chaveUnicaSolicitante,omitempty"`
}

// StatusRequest is the body of PUT /clientes/ocorrencias/{protocolo}/status.
type StatusRequest struct {
	IDNovoStatus          int    `json:"idNovoStatus"`
	TextoDesfecho         string `json:"textoDesfecho,omitempty"`
	IDMotivoEncerramento  int    `json:"idMotivoEncerramento,omitempty"`
	IDAtendente           int    `json:"idAtendente,omitempty"`
	ChaveUnicaSolicitante string `json:"chaveUnicaSolicitante"`
}
