package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
)

// schemaSteps version the outbox file (PRAGMA user_version). Its data cannot be rebuilt from anywhere, so every
// change is a step that carries every row forward; a file newer than this build is refused, untouched.
//
//	1: the table of the first releases, outbox_items, whose request column held Mosia's request body as sent.
//	   A new file gets it empty; a file of those releases (user_version 0) already has it.
//	2: items: the payload in balcão's own envelope (see envelope.go) and a kind; every row converted.
//	3: look-alike keys (one-at-a-time delivery), flags for a person, purged items; a protocol may be held by two
//	   items (both are then flagged) instead of refusing the second.
//	4: follow-up actions on existing protocols (kinds note, status, activate): the protocol acted on in its own
//	   column (target), indexed; the rows of earlier versions are all occurrences and keep an empty target. A build
//	   of schema 3 would not read the new kinds, so it must refuse the file (migrate.ErrTooNew) rather than meet them.
var schemaSteps = []migrate.Step{
	{To: 1, Name: "outbox_items", Apply: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
CREATE TABLE IF NOT EXISTS outbox_items (
	id               TEXT    PRIMARY KEY,
	attendant        TEXT    NOT NULL,
	created_at       INTEGER NOT NULL,
	request          TEXT    NOT NULL,
	state            TEXT    NOT NULL,
	attempts         INTEGER NOT NULL DEFAULT 0,
	last_error       TEXT    NOT NULL DEFAULT '',
	protocol         TEXT    NOT NULL DEFAULT '',
	first_attempt_at INTEGER NOT NULL DEFAULT 0,
	last_attempt_at  INTEGER NOT NULL DEFAULT 0,
	next_attempt_at  INTEGER NOT NULL DEFAULT 0,
	sent_at          INTEGER NOT NULL DEFAULT 0,
	lease_owner      TEXT    NOT NULL DEFAULT '',
	lease_until      INTEGER NOT NULL DEFAULT 0,
	uncertain        INTEGER NOT NULL DEFAULT 0
)`)
		return err
	}},
	{To: 2, Name: "items with a payload envelope", Apply: envelopeItems},
	{To: 3, Name: "look-alikes, flags and purges", Apply: lookAlikes},
	{To: 4, Name: "follow-up actions", Apply: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
ALTER TABLE items ADD COLUMN target TEXT NOT NULL DEFAULT '';
CREATE INDEX items_target ON items(target, id) WHERE target <> '';`)
		return err
	}},
}

// lookAlikes adds the columns of schema 3 and fills the look-alike key of every item.
func lookAlikes(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `
ALTER TABLE items ADD COLUMN alike  TEXT    NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN flag   TEXT    NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;
DROP INDEX items_protocol;
CREATE INDEX items_protocol ON items(protocol) WHERE protocol <> '';
CREATE INDEX items_alike ON items(alike, id) WHERE state <> 'sent';
CREATE INDEX items_flag ON items(id) WHERE flag <> '';`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, payload FROM items`)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	for rows.Next() {
		var (
			it      Item
			kind    string
			payload string
		)
		if err := rows.Scan(&it.ID, &kind, &payload); err != nil {
			rows.Close()
			return err
		}
		if err := decodePayload([]byte(payload), &it); err != nil {
			rows.Close()
			return fmt.Errorf("item %s: %w", it.ID, err)
		}
		keys[it.ID] = LookAlike(it.Occurrence)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, k := range keys {
		if _, err := tx.ExecContext(ctx, `UPDATE items SET alike = ? WHERE id = ?`, k, id); err != nil {
			return err
		}
	}
	return nil
}

// envelopeItems creates items and moves every row of outbox_items into it, its request converted.
func envelopeItems(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `
CREATE TABLE items (
	id               TEXT    PRIMARY KEY,
	kind             TEXT    NOT NULL,
	attendant        TEXT    NOT NULL,
	created_at       INTEGER NOT NULL,
	payload          TEXT    NOT NULL,
	state            TEXT    NOT NULL,
	attempts         INTEGER NOT NULL DEFAULT 0,
	last_error       TEXT    NOT NULL DEFAULT '',
	protocol         TEXT    NOT NULL DEFAULT '',
	first_attempt_at INTEGER NOT NULL DEFAULT 0,
	last_attempt_at  INTEGER NOT NULL DEFAULT 0,
	next_attempt_at  INTEGER NOT NULL DEFAULT 0,
	sent_at          INTEGER NOT NULL DEFAULT 0,
	lease_owner      TEXT    NOT NULL DEFAULT '',
	lease_until      INTEGER NOT NULL DEFAULT 0,
	uncertain        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX items_due ON items(state, next_attempt_at, id);
CREATE UNIQUE INDEX items_protocol ON items(protocol) WHERE protocol <> '';`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, request FROM outbox_items`)
	if err != nil {
		return err
	}
	type conv struct{ id, payload string }
	var convs []conv
	for rows.Next() {
		var id, request string
		if err := rows.Scan(&id, &request); err != nil {
			rows.Close()
			return err
		}
		occ, err := legacyOccurrence([]byte(request))
		if err != nil {
			rows.Close()
			return fmt.Errorf("item %s: %w", id, err)
		}
		payload, err := encodePayload(Item{Kind: KindOccurrence, Occurrence: occ})
		if err != nil {
			rows.Close()
			return err
		}
		convs = append(convs, conv{id, string(payload)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range convs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, kind, attendant, created_at, payload, state, attempts,
			last_error, protocol, first_attempt_at, last_attempt_at, next_attempt_at, sent_at, lease_owner, lease_until,
			uncertain) SELECT id, ?, attendant, created_at, ?, state, attempts, last_error, protocol, first_attempt_at,
			last_attempt_at, next_attempt_at, sent_at, lease_owner, lease_until, uncertain FROM outbox_items WHERE id = ?`,
			string(KindOccurrence), c.payload, c.id); err != nil {
			return fmt.Errorf("item %s: %w", c.id, err)
		}
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE outbox_items`)
	return err
}

// legacyRequest is the request column of schema version 1: Mosia's POST /clientes/ocorrencias body as the first
// releases stored it. Frozen here: it only has to read what those files hold.
type legacyRequest struct {
	IDFuncionalidade int              `json:"idFuncionalidade"`
	IDTipoOcorrencia int              `json:"idTipoOcorrencia"`
	IDAssunto        int              `json:"idAssunto"`
	Rascunho         bool             `json:"rascunho"`
	Solicitante      legacyRequester  `json:"solicitante"`
	NumeroContrato   string           `json:"numeroContrato"`
	Beneficiario     *legacyRequester `json:"beneficiario"`
	Anotacao         string           `json:"anotacao"`
	Formularios      []struct {
		IDForm   string           `json:"idForm"`
		FormData []map[string]any `json:"formData"`
	} `json:"formularios"`
}

type legacyRequester struct {
	Nome       string `json:"nome"`
	ChaveUnica string `json:"chaveUnica"`
	Email      string `json:"email"`
	Telefone   string `json:"telefone"`
}

func (r legacyRequester) party() model.Party {
	return model.Party{Name: r.Nome, ChaveUnica: r.ChaveUnica, Email: r.Email, Phone: r.Telefone}
}

// legacyOccurrence reads a schema version 1 request.
func legacyOccurrence(b []byte) (model.Occurrence, error) {
	var r legacyRequest
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&r); err != nil {
		return model.Occurrence{}, fmt.Errorf("legacy request: %w", err)
	}
	o := model.Occurrence{Function: r.IDFuncionalidade, TypeID: r.IDTipoOcorrencia, SubjectID: r.IDAssunto,
		Draft: r.Rascunho, Requester: r.Solicitante.party(), Contract: r.NumeroContrato, Note: r.Anotacao}
	if r.Beneficiario != nil {
		b := r.Beneficiario.party()
		o.Beneficiary = &b
	}
	for _, f := range r.Formularios {
		fa := model.FormAnswers{FormID: f.IDForm}
		for _, data := range f.FormData {
			keys := make([]string, 0, len(data))
			for k := range data {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fa.Fields = append(fa.Fields, legacyAnswer(k, data[k]))
			}
		}
		o.Forms = append(o.Forms, fa)
	}
	return o, nil
}

// legacyAnswer reads one formData value: a text, a number, or a choice {"label","value"}.
func legacyAnswer(key string, v any) model.FormAnswer {
	switch x := v.(type) {
	case string:
		return model.FormAnswer{Key: key, Value: x}
	case json.Number:
		return model.FormAnswer{Key: key, Value: x.String()}
	case bool:
		return model.FormAnswer{Key: key, Value: strconv.FormatBool(x)}
	case map[string]any:
		label, _ := x["label"].(string)
		return model.FormAnswer{Key: key, Label: label, Value: fmt.Sprint(x["value"]), Choice: true}
	case nil:
		return model.FormAnswer{Key: key}
	}
	b, _ := json.Marshal(v)
	return model.FormAnswer{Key: key, Value: string(b)}
}
