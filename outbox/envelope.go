package outbox

import (
	"encoding/json"
	"fmt"

	"github.com/balcao/balcao/model"
)

// The payload of an item is stored as an envelope balcão owns (never an upstream's request body): a version,
// the kind, and the request in stable JSON names (an occurrence, or a follow-up action since schema 4). A reader refuses a version it does not know rather than
// guess: an item whose payload cannot be read is never sent.

// envelopeVersion is the version of the payload envelope this build writes.
const envelopeVersion = 1

type envelope struct {
	V          int               `json:"v"`
	Kind       Kind              `json:"kind"`
	Occurrence *storedOccurrence `json:"occurrence,omitempty"`
	FollowUp   *storedFollowUp   `json:"followUp,omitempty"`
}

// storedFollowUp is a follow-up action (KindNote, KindStatus, KindActivate); the kind says which fields count.
type storedFollowUp struct {
	Protocol    string `json:"protocol"`
	Requester   string `json:"requester,omitempty"`
	Beneficiary string `json:"beneficiary,omitempty"`
	Attendant   int    `json:"attendantId,omitempty"`
	Text        string `json:"text,omitempty"`
	Public      bool   `json:"public,omitempty"`
	Status      int    `json:"status,omitempty"`
	StatusName  string `json:"statusName,omitempty"`
	Reason      int    `json:"reason,omitempty"`
	ReasonName  string `json:"reasonName,omitempty"`
	Outcome     string `json:"outcome,omitempty"`
}

func storeFollowUp(f model.FollowUp) storedFollowUp {
	s := storedFollowUp{Protocol: f.Protocol, Requester: f.Requester, Beneficiary: f.Beneficiary, Attendant: f.AttendantID}
	if f.Note != nil {
		s.Text, s.Public = f.Note.Text, f.Note.Public
	}
	if f.Status != nil {
		s.Status, s.StatusName, s.Reason, s.ReasonName, s.Outcome = f.Status.StatusID, f.Status.StatusName,
			f.Status.ReasonID, f.Status.ReasonName, f.Status.Outcome
	}
	return s
}

// model rebuilds the follow-up of an item of kind k.
func (s storedFollowUp) model(k Kind) model.FollowUp {
	f := model.FollowUp{Protocol: s.Protocol, Requester: s.Requester, Beneficiary: s.Beneficiary, AttendantID: s.Attendant}
	switch k {
	case KindNote:
		f.Note = &model.NoteAction{Text: s.Text, Public: s.Public}
	case KindStatus:
		f.Status = &model.StatusAction{StatusID: s.Status, StatusName: s.StatusName, ReasonID: s.Reason,
			ReasonName: s.ReasonName, Outcome: s.Outcome}
	case KindActivate:
		f.Activate = true
	}
	return f
}

type storedOccurrence struct {
	Function    int           `json:"function,omitempty"`
	Type        int           `json:"type"`
	Subject     int           `json:"subject,omitempty"`
	Draft       bool          `json:"draft,omitempty"`
	Requester   storedParty   `json:"requester"`
	Beneficiary *storedParty  `json:"beneficiary,omitempty"`
	Contract    string        `json:"contract,omitempty"`
	Note        string        `json:"note,omitempty"`
	Forms       []storedForms `json:"forms,omitempty"`
}

type storedParty struct {
	Name       string `json:"name,omitempty"`
	ChaveUnica string `json:"chaveUnica,omitempty"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

type storedForms struct {
	Form   string         `json:"form"`
	Fields []storedAnswer `json:"fields"`
}

type storedAnswer struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Label  string `json:"label,omitempty"`
	Choice bool   `json:"choice,omitempty"`
}

// encodePayload writes an item's payload envelope.
func encodePayload(it Item) ([]byte, error) {
	env := envelope{V: envelopeVersion, Kind: it.Kind}
	switch it.Kind {
	case KindOccurrence:
		o := storeOccurrence(it.Occurrence)
		env.Occurrence = &o
	case KindNote, KindStatus, KindActivate:
		f := storeFollowUp(it.FollowUp)
		env.FollowUp = &f
	default:
		return nil, fmt.Errorf("outbox payload: unknown kind %q", it.Kind)
	}
	return json.Marshal(env)
}

// decodePayload reads an item's payload envelope into it.
func decodePayload(b []byte, it *Item) error {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("outbox payload: %w", err)
	}
	if env.V != envelopeVersion {
		return fmt.Errorf("outbox payload: envelope version %d, this build reads %d", env.V, envelopeVersion)
	}
	it.Kind = env.Kind
	switch env.Kind {
	case KindOccurrence:
		if env.Occurrence == nil {
			return fmt.Errorf("outbox payload: occurrence missing")
		}
		it.Occurrence = env.Occurrence.model()
	case KindNote, KindStatus, KindActivate:
		if env.FollowUp == nil {
			return fmt.Errorf("outbox payload: follow-up missing")
		}
		it.FollowUp = env.FollowUp.model(env.Kind)
	default:
		return fmt.Errorf("outbox payload: unknown kind %q", env.Kind)
	}
	return nil
}

func storeOccurrence(o model.Occurrence) storedOccurrence {
	s := storedOccurrence{Function: o.Function, Type: o.TypeID, Subject: o.SubjectID, Draft: o.Draft,
		Requester: storeParty(o.Requester), Contract: o.Contract, Note: o.Note}
	if o.Beneficiary != nil {
		b := storeParty(*o.Beneficiary)
		s.Beneficiary = &b
	}
	for _, f := range o.Forms {
		sf := storedForms{Form: f.FormID, Fields: make([]storedAnswer, len(f.Fields))}
		for i, a := range f.Fields {
			sf.Fields[i] = storedAnswer{Key: a.Key, Value: a.Value, Label: a.Label, Choice: a.Choice}
		}
		s.Forms = append(s.Forms, sf)
	}
	return s
}

func (s storedOccurrence) model() model.Occurrence {
	o := model.Occurrence{Function: s.Function, TypeID: s.Type, SubjectID: s.Subject, Draft: s.Draft,
		Requester: s.Requester.model(), Contract: s.Contract, Note: s.Note}
	if s.Beneficiary != nil {
		b := s.Beneficiary.model()
		o.Beneficiary = &b
	}
	for _, sf := range s.Forms {
		f := model.FormAnswers{FormID: sf.Form, Fields: make([]model.FormAnswer, len(sf.Fields))}
		for i, a := range sf.Fields {
			f.Fields[i] = model.FormAnswer{Key: a.Key, Value: a.Value, Label: a.Label, Choice: a.Choice}
		}
		o.Forms = append(o.Forms, f)
	}
	return o
}

func storeParty(p model.Party) storedParty {
	return storedParty{Name: p.Name, ChaveUnica: p.ChaveUnica, Email: p.Email, Phone: p.Phone}
}

func (p storedParty) model() model.Party {
	return model.Party{Name: p.Name, ChaveUnica: p.ChaveUnica, Email: p.Email, Phone: p.Phone}
}
