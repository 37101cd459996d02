package model

// Occurrence is what an attendant opens at the service desk: what it is about (type and subject from the
// catalogue), who asked, for whom, under which contract, the note, and any form filled in.
type Occurrence struct {
	Function    int    // the catalogue's functionality id (0 when none)
	TypeID      int    // occurrence type
	SubjectID   int    // subject under the type (0 when none)
	Draft       bool   // saved as a draft, not yet active
	Requester   Party  // who asked
	Beneficiary *Party // whom it is about; nil when only the requester is known
	Contract    string // the contract number, "" when none
	Note        string
	Forms       []FormAnswers
}

// FormAnswers are the answers to one catalogue form.
type FormAnswers struct {
	FormID string
	Fields []FormAnswer
}

// FormAnswer is one field's answer: a text (Value), or a choice among options (Choice: Label and Value are the
// option's).
type FormAnswer struct {
	Key    string
	Value  string
	Label  string
	Choice bool
}

// ChaveUnica is the key the occurrence is filed under: the beneficiary's, else the requester's.
func (o Occurrence) ChaveUnica() string {
	if o.Beneficiary != nil && o.Beneficiary.ChaveUnica != "" {
		return o.Beneficiary.ChaveUnica
	}
	return o.Requester.ChaveUnica
}
