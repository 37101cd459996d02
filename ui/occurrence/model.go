// Package occurrence is the console's Nova ocorrência screen: a keyboard-only form that opens ready to send
// (catalogue defaults, the beneficiary as requester, the contract prefilled), validates field by field in pt-BR, and
// hands the occurrence to the durable outbox, showing the protocol large when Mosia answers.
package occurrence

import (
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/fieldset"
)

// fieldID names a field of the form.
type fieldID int

const (
	fType fieldID = iota
	fSubject
	fRequester
	fOtherName
	fOtherKey
	fOtherEmail
	fOtherPhone
	fContract
	fDraft
	fNote
	fForm
	fFormField // sub is the field's index in the chosen form
)

// slot is one focusable place of the form.
type slot struct {
	id  fieldID
	sub int
}

// phase is where the screen is in its life.
type phase int

const (
	phaseEditing phase = iota
	phaseSending
	phaseSent
	phasePending
)

// other person's inputs, in order.
const (
	otherName = iota
	otherKey
	otherEmail
	otherPhone
	otherCount
)

// familyOption is a family member offered as requester; rec is their directory row once looked up.
type familyOption struct {
	member model.FamilyMember
	rec    model.Beneficiary
	found  bool
	looked bool
}

// formState is what was typed in one catalogue form (kept when another form is chosen and back).
type formState struct {
	def    config.FormDef
	opts   [][]option        // per field; nil for text fields
	inputs []textinput.Model // per field; unused for selects
	sel    []int             // per field; -1 = nothing chosen
}

// Model is the Nova ocorrência screen.
type Model struct {
	ctx  *common.Context
	keys keyMap

	types      []config.OccurrenceType
	typeIdx    int
	subjectIdx int
	idFunc     int

	ben    model.Beneficiary
	hasBen bool // the request carries a beneficiario object

	family []familyOption
	reqIdx int // 0 = the beneficiary, 1..len(family) = a family member, len(family)+1 = another person
	other  [otherCount]textinput.Model

	contract textinput.Model
	draft    bool
	note     textarea.Model
	formIdx  int // 0 = none, i = forms[i-1]
	forms    []formState

	fields fieldset.Model // focus order over slots(), and the form's scroll
	errs   map[slot]string

	phase      phase
	spinner    spinner.Model
	banner     string
	bannerErr  bool
	invalid    bool   // the banner is the "fields to fix" summary, kept in step with errs
	itemID     string // the outbox item being corrected (or just stored)
	correction string // Mosia's reason for a correction
	result     common.OutboxItem
	confirm    bool
	initial    model.Occurrence

	noteKey   noteKey
	noteCache string

	width, height int

	id             uint64                  // tags this form's submission and draft saves
	sendStart      time.Time               // when the submission started (the spinner shows the seconds since)
	draftKey       string                  // the beneficiary's draft ("" when drafts are not kept: a correction)
	draftSeq       int64                   // the latest save's sequence
	saved          model.Occurrence        // what the last save stored
	saving         bool                    // a save is scheduled
	sync           *draftSync              // orders this form's saves and the final delete
	side           common.NewOccurrenceMsg // the contract and last protocols shown beside the form when wide
	resumed        bool                    // opened on a draft left open
	correctionDone bool                    // the correction was sent: the title no longer says "Corrigir"
}

// draftSync orders a form's draft writes: once the occurrence is handed to the outbox (or discarded) the draft is
// deleted, and a save still in flight never brings it back.
type draftSync struct {
	mu   sync.Mutex
	done bool
}

var _ common.Component = (*Model)(nil)

// New opens the form for a beneficiary, ready to send: default type and subject, the beneficiary as requester,
// the contract prefilled, draft off.
func New(ctx *common.Context, msg common.NewOccurrenceMsg) common.Component {
	m := newModel(ctx)
	m.ben = msg.Beneficiary
	m.hasBen = true
	for _, f := range msg.Family {
		if f.Card != "" && f.Card == msg.Beneficiary.Card {
			continue // the beneficiary is already the first choice
		}
		m.family = append(m.family, familyOption{member: f})
	}
	number := msg.Contract.Number
	if number == "" && len(msg.Beneficiary.Contracts) > 0 {
		number = msg.Beneficiary.Contracts[0].Number
	}
	m.contract.SetValue(number)
	m.prefillForms()
	m.initial = m.request()
	m.draftKey, m.side = common.DraftKey(m.ben), msg
	if d := msg.Draft; d != nil {
		m.restore(d.Occurrence)
		m.resumed, m.draftSeq, m.saved = true, d.Seq, m.request()
		m.banner = i18n.OccDraftResumed
	}
	m.setFocus(0)
	return m
}

// NewFromItem opens the form on an outbox item that needs correction; Ctrl+S resubmits it.
func NewFromItem(ctx *common.Context, item common.OutboxItem) common.Component {
	m := newModel(ctx)
	occ := item.Occurrence
	m.itemID = item.ID
	if item.State == common.OutboxNeedsCorrection {
		m.correction = item.Reason
	}
	if occ.Beneficiary != nil {
		m.hasBen = true
		m.ben = beneficiaryOf(*occ.Beneficiary)
	} else {
		m.ben = beneficiaryOf(occ.Requester)
	}
	m.restore(occ)
	m.initial = m.request()
	m.setFocus(0)
	return m
}

// restore fills the form from a stored occurrence (an outbox item, a draft).
func (m *Model) restore(occ model.Occurrence) {
	m.selectType(occ.TypeID, occ.SubjectID)
	if occ.Function != 0 {
		m.idFunc = occ.Function
	}
	if r := occ.Requester; r.ChaveUnica != m.ben.ChaveUnica || r.Name != m.ben.Name {
		m.reqIdx = m.otherIdx()
		m.other[otherName].SetValue(r.Name)
		m.other[otherKey].SetValue(r.ChaveUnica)
		m.other[otherEmail].SetValue(r.Email)
		m.other[otherPhone].SetValue(r.Phone)
	}
	m.contract.SetValue(occ.Contract)
	m.draft = occ.Draft
	m.note.SetValue(occ.Note)
	if len(occ.Forms) > 0 {
		m.restoreForm(occ.Forms[0])
	}
}

// beneficiaryOf rebuilds the beneficiary a stored occurrence was about.
func beneficiaryOf(p model.Party) model.Beneficiary {
	b := model.Beneficiary{ChaveUnica: p.ChaveUnica, Name: p.Name, Email: p.Email, Phone: p.Phone}
	if model.ValidCPF(p.ChaveUnica) {
		b.CPF = model.Digits(p.ChaveUnica)
	}
	return b
}

func newModel(ctx *common.Context) *Model {
	cat := ctx.Services.Catalogue
	m := &Model{
		id:     common.NewScreenID(),
		sync:   &draftSync{},
		ctx:    ctx,
		keys:   newKeyMap(ctx.Keys),
		types:  append([]config.OccurrenceType(nil), cat.Types...),
		idFunc: cat.IDFuncionalidade,
		fields: fieldset.New(ctx.Styles, labelWidth),
		errs:   map[slot]string{},
		width:  ctx.Width,
		height: ctx.Height,
	}
	if t, ok := cat.DefaultType(); ok {
		for i := range m.types {
			if m.types[i].ID == t.ID {
				m.typeIdx = i
				break
			}
		}
	}
	m.subjectIdx = m.defaultSubject()
	for i := range m.other {
		m.other[i] = m.newInput()
	}
	m.other[otherKey].Placeholder = i18n.OccKeyPlaceholder
	m.other[otherEmail].Placeholder = i18n.OccEmailPlaceholder
	m.other[otherPhone].Placeholder = i18n.OccPhonePlaceholder
	m.contract = m.newInput()
	m.note = m.newNote()
	for _, def := range cat.Forms {
		m.forms = append(m.forms, m.newFormState(def))
	}
	m.spinner = spinner.New(spinner.WithSpinner(common.SpinnerDot), spinner.WithStyle(ctx.Styles.Spinner))
	m.SetSize(ctx.Width, ctx.Height)
	return m
}

func (m *Model) newInput() textinput.Model {
	plain := m.ctx.Styles.Plain
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = 200
	ti.TextStyle = m.ctx.Styles.Value
	ti.PromptStyle = plain
	ti.PlaceholderStyle = m.ctx.Styles.EmptyValue
	ti.CompletionStyle = m.ctx.Styles.Dim
	ti.Cursor.Style = plain
	ti.Cursor.TextStyle = plain
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink ticks: fewer redraws over SSH
	return ti
}

func (m *Model) newNote() textarea.Model {
	plain := m.ctx.Styles.Plain
	ta := textarea.New()
	ta.Prompt = ""
	ta.ShowLineNumbers = false
	ta.Placeholder = i18n.OccNotePlaceholder
	ta.CharLimit = 4000
	base := textarea.Style{
		Base:             plain,
		CursorLine:       plain,
		CursorLineNumber: plain,
		EndOfBuffer:      plain,
		LineNumber:       plain,
		Placeholder:      m.ctx.Styles.EmptyValue,
		Prompt:           plain,
		Text:             m.ctx.Styles.Value,
	}
	ta.FocusedStyle = base
	ta.BlurredStyle = base
	ta.Cursor.Style = plain
	ta.Cursor.TextStyle = plain
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.Blur() // applies BlurredStyle
	return ta
}

func (m *Model) newFormState(def config.FormDef) formState {
	fs := formState{
		def:    def,
		opts:   make([][]option, len(def.Fields)),
		inputs: make([]textinput.Model, len(def.Fields)),
		sel:    make([]int, len(def.Fields)),
	}
	for i, f := range def.Fields {
		fs.sel[i] = -1
		if f.Kind == config.FieldSelect {
			fs.opts[i] = options(f)
			continue
		}
		fs.inputs[i] = m.newInput()
		switch f.Kind {
		case config.FieldEmail:
			fs.inputs[i].Placeholder = i18n.OccEmailPlaceholder
		case config.FieldPhone:
			fs.inputs[i].Placeholder = i18n.OccPhonePlaceholder
		case config.FieldCPF:
			fs.inputs[i].Placeholder = i18n.OccKeyPlaceholder
		}
	}
	return fs
}

// selectType chooses a type and subject by id, keeping unknown ids (an item saved under an older catalogue).
func (m *Model) selectType(typeID, subjectID int) {
	idx := -1
	for i, t := range m.types {
		if t.ID == typeID {
			idx = i
			break
		}
	}
	if idx < 0 {
		m.types = append(m.types, config.OccurrenceType{ID: typeID, Name: i18n.OccUnknownType(typeID)})
		idx = len(m.types) - 1
	}
	m.typeIdx = idx
	m.subjectIdx = m.defaultSubject()
	if subjectID == 0 {
		if len(m.types[idx].Subjects) == 0 {
			m.subjectIdx = -1
		}
		return
	}
	t := &m.types[idx]
	for i, s := range t.Subjects {
		if s.ID == subjectID {
			m.subjectIdx = i
			return
		}
	}
	t.Subjects = append(append([]config.Subject(nil), t.Subjects...),
		config.Subject{ID: subjectID, Name: i18n.OccUnknownSubject(subjectID)})
	m.subjectIdx = len(t.Subjects) - 1
}

// restoreForm chooses the stored form and fills its fields from the stored answers.
func (m *Model) restoreForm(f model.FormAnswers) {
	idx := -1
	for i := range m.forms {
		if m.forms[i].def.ID == f.FormID {
			idx = i
			break
		}
	}
	if idx < 0 {
		// Unknown form: keep its answers as text fields so nothing is lost.
		def := config.FormDef{ID: f.FormID, Name: i18n.OccUnknownForm(f.FormID)}
		for _, a := range f.Fields {
			def.Fields = append(def.Fields, config.FormField{Key: a.Key, Label: a.Key, Kind: config.FieldText})
		}
		m.forms = append(m.forms, m.newFormState(def))
		idx = len(m.forms) - 1
	}
	m.formIdx = idx + 1
	answers := make(map[string]model.FormAnswer, len(f.Fields))
	for _, a := range f.Fields {
		answers[a.Key] = a
	}
	fs := &m.forms[idx]
	for i, fld := range fs.def.Fields {
		a, ok := answers[fld.Key]
		if !ok {
			continue
		}
		if fld.Kind == config.FieldSelect {
			fs.sel[i] = matchOption(fs.opts[i], a)
			continue
		}
		text := a.Value
		if a.Choice && a.Label != "" {
			text = a.Label
		}
		fs.inputs[i].SetValue(text)
	}
}

// matchOption finds a stored choice (or a text naming an option) among the options.
func matchOption(opts []option, a model.FormAnswer) int {
	label, value := a.Label, a.Value
	if !a.Choice {
		label, value = a.Value, ""
	}
	for i, o := range opts {
		if (value != "" && o.Value == value) || (label != "" && o.Label == label) {
			return i
		}
	}
	return -1
}

func (m *Model) defaultSubject() int {
	if len(m.types) == 0 {
		return -1
	}
	t := m.types[m.typeIdx]
	d, ok := t.DefaultSubject()
	if !ok {
		return -1
	}
	for i, s := range t.Subjects {
		if s.ID == d.ID {
			return i
		}
	}
	return -1
}

func (m *Model) otherIdx() int { return len(m.family) + 1 }

func (m *Model) isOther() bool { return m.reqIdx == m.otherIdx() }

// slots lists the focusable fields in order; it depends on the requester and form choices.
func (m *Model) slots() []slot {
	s := make([]slot, 0, 16)
	s = append(s, slot{id: fType}, slot{id: fSubject}, slot{id: fRequester})
	if m.isOther() {
		s = append(s, slot{id: fOtherName}, slot{id: fOtherKey}, slot{id: fOtherEmail}, slot{id: fOtherPhone})
	}
	s = append(s, slot{id: fContract}, slot{id: fDraft}, slot{id: fNote}, slot{id: fForm})
	if fs := m.form(); fs != nil {
		for i := range fs.def.Fields {
			s = append(s, slot{id: fFormField, sub: i})
		}
	}
	return s
}

// form is the chosen form's state, or nil.
func (m *Model) form() *formState {
	if m.formIdx <= 0 || m.formIdx > len(m.forms) {
		return nil
	}
	return &m.forms[m.formIdx-1]
}

// focused is the slot with focus.
func (m *Model) focused() slot {
	s := m.slots()
	if f := m.fields.Focused(); f < len(s) {
		return s[f]
	}
	return slot{id: fType}
}

// input returns the text input behind a slot, or nil for choices, the toggle and the note.
func (m *Model) input(s slot) *textinput.Model {
	switch s.id {
	case fOtherName:
		return &m.other[otherName]
	case fOtherKey:
		return &m.other[otherKey]
	case fOtherEmail:
		return &m.other[otherEmail]
	case fOtherPhone:
		return &m.other[otherPhone]
	case fContract:
		return &m.contract
	case fFormField:
		if fs := m.form(); fs != nil && s.sub < len(fs.def.Fields) && fs.def.Fields[s.sub].Kind != config.FieldSelect {
			return &fs.inputs[s.sub]
		}
	}
	return nil
}

// isText reports whether a slot takes typed text.
func (m *Model) isText(s slot) bool { return s.id == fNote || m.input(s) != nil }

// setFocus moves focus to slot index i (clamped), blurring the previous text field.
func (m *Model) setFocus(i int) tea.Cmd {
	s := m.slots()
	prev := m.focused()
	if in := m.input(prev); in != nil {
		in.Blur()
	}
	if prev.id == fNote {
		m.note.Blur()
	}
	cur := s[m.fields.Focus(i, len(s))]
	if in := m.input(cur); in != nil {
		in.CursorEnd()
		return in.Focus()
	}
	if cur.id == fNote {
		return m.note.Focus()
	}
	return nil
}

// Init starts looking up the family members offered as requesters.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.lookupFamily(), m.setFocus(m.fields.Focused()))
}

// SetSize sets the screen's size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 1), max(height, 1)
	m.fields.SetValueWidth(m.valueWidth())
	vw := max(m.valueWidth(), 4)
	for i := range m.other {
		m.other[i].Width = vw - 1
	}
	m.contract.Width = vw - 1
	for i := range m.forms {
		for j := range m.forms[i].inputs {
			m.forms[i].inputs[j].Width = vw - 1
		}
	}
	m.note.SetWidth(vw)
	m.note.SetHeight(m.noteHeight())
}

// Unsaved reports whether the form holds typed changes not yet handed to the outbox.
func (m *Model) Unsaved() bool { return m.phase == phaseEditing && m.dirty() }

// ShowsOutcome reports whether this form shows the item's outcome itself: it is the item being corrected, or the one being
// sent right now (same attendant, same person) before the outbox has told the form its number.
func (m *Model) ShowsOutcome(it common.OutboxItem) bool {
	if m.itemID != "" {
		return it.ID == m.itemID
	}
	return m.phase == phaseSending && it.Attendant == m.ctx.Session.Attendant &&
		it.Occurrence.ChaveUnica() == m.initial.ChaveUnica()
}

// Busy reports whether the occurrence is being handed to the outbox right now.
func (m *Model) Busy() bool { return m.phase == phaseSending }

// prefillForms fills the catalogue forms' fields that ask for the beneficiary's name, CPF, e-mail or phone.
func (m *Model) prefillForms() {
	for i := range m.forms {
		fs := &m.forms[i]
		for j, f := range fs.def.Fields {
			if f.Kind == config.FieldSelect || fs.inputs[j].Value() != "" {
				continue
			}
			if v := m.prefill(f); v != "" {
				fs.inputs[j].SetValue(v)
			}
		}
	}
}

// prefill is what the beneficiary's record says for a form field, by its kind (or, for text, a label or key
// asking for the name).
func (m *Model) prefill(f config.FormField) string {
	b := m.ben
	switch f.Kind {
	case config.FieldEmail:
		return directoryEmail(b.Email)
	case config.FieldPhone:
		if p := directoryPhone(b.Phone); p != "" {
			return model.FormatPhone(p)
		}
	case config.FieldCPF:
		if model.ValidCPF(b.CPF) {
			return model.FormatCPF(b.CPF)
		}
	case config.FieldText:
		if strings.Contains(model.FoldText(f.Label+" "+f.Key), "nome") {
			return strings.TrimSpace(b.Name)
		}
	}
	return ""
}

// Typing reports whether the screen needs every key: a text field has focus, the form holds typed changes (so a
// stray q cannot quit and lose them), it is sending, or the discard confirmation waits for s/n.
func (m *Model) Typing() bool {
	switch {
	case m.confirm, m.phase == phaseSending:
		return true
	case m.phase != phaseEditing:
		return false
	}
	return m.isText(m.focused()) || m.dirty()
}
