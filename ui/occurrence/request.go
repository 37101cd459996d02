package occurrence

import (
	"context"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// submitTimeout bounds one submission: storing is local and fast; a Mosia slower than this leaves the item pending.
const submitTimeout = 30 * time.Second

// lookupTimeout bounds the directory look-up of the family members.
const lookupTimeout = 5 * time.Second

// familyMsg carries the directory rows of the family members offered as requesters.
type familyMsg struct {
	rows   map[string]model.Beneficiary // by card
	looked map[string]bool
}

// lookupFamily finds each family member's directory row (their chaveUnica, e-mail and phone) by card.
func (m *Model) lookupFamily() tea.Cmd {
	dir := m.ctx.Services.Directory
	if len(m.family) == 0 {
		return nil
	}
	cards := make([]string, 0, len(m.family))
	for _, f := range m.family {
		cards = append(cards, f.member.Card)
	}
	if dir == nil {
		return common.Cmd(familyMsg{looked: lookedAll(cards)})
	}
	logger := m.ctx.Session.Logger
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
		defer cancel()
		out := familyMsg{rows: map[string]model.Beneficiary{}, looked: lookedAll(cards)}
		for _, card := range cards {
			b, ok, err := dir.ByCard(ctx, card)
			if err != nil {
				logger.Warn("occurrence: family member lookup failed", "err", err)
				continue
			}
			if ok {
				out.rows[card] = b
			}
		}
		return out
	}
}

func lookedAll(cards []string) map[string]bool {
	out := make(map[string]bool, len(cards))
	for _, c := range cards {
		out[c] = true
	}
	return out
}

// partyOf is a directory row as the party of an occurrence; a malformed directory e-mail or phone is left out
// rather than blocking the occurrence.
func partyOf(b model.Beneficiary) model.Party {
	return model.Party{
		Name:       strings.TrimSpace(b.Name),
		ChaveUnica: strings.TrimSpace(b.ChaveUnica),
		Email:      directoryEmail(b.Email),
		Phone:      directoryPhone(b.Phone),
	}
}

// request builds the occurrence from what is on screen (valid or not: validation is separate).
func (m *Model) request() model.Occurrence {
	occ := model.Occurrence{
		Function: m.idFunc,
		Draft:    m.draft,
		Contract: strings.TrimSpace(m.contract.Value()),
		Note:     strings.TrimSpace(m.note.Value()),
	}
	if t, ok := m.typ(); ok {
		occ.TypeID = t.ID
		if s, ok := m.subject(); ok {
			occ.SubjectID = s.ID
		}
	}
	ben := partyOf(m.ben)
	occ.Requester = m.requester(ben)
	if m.hasBen {
		occ.Beneficiary = &ben
	}
	if fs := m.form(); fs != nil {
		occ.Forms = []model.FormAnswers{fs.answers()}
	}
	return occ
}

// requester is who asked for the occurrence: the beneficiary, another person typed in, or a family member.
func (m *Model) requester(ben model.Party) model.Party {
	switch {
	case m.reqIdx == 0:
		return ben
	case m.isOther():
		return model.Party{
			Name:       strings.TrimSpace(m.other[otherName].Value()),
			ChaveUnica: model.NormalizeChave(m.other[otherKey].Value()),
			Email:      strings.TrimSpace(m.other[otherEmail].Value()),
			Phone:      normalizePhone(m.other[otherPhone].Value()),
		}
	}
	f := m.family[m.reqIdx-1]
	if f.found {
		return partyOf(f.rec)
	}
	return model.Party{Name: strings.TrimSpace(f.member.Name)}
}

// answers are the form's fields as answered: every text field, and the select fields with a choice.
func (fs *formState) answers() model.FormAnswers {
	out := model.FormAnswers{FormID: fs.def.ID}
	for i, f := range fs.def.Fields {
		if f.Kind == config.FieldSelect {
			if o := fs.sel[i]; o >= 0 && o < len(fs.opts[i]) {
				out.Fields = append(out.Fields, model.FormAnswer{Key: f.Key, Label: fs.opts[i][o].Label,
					Value: fs.opts[i][o].Value, Choice: true})
			}
			continue
		}
		out.Fields = append(out.Fields, model.FormAnswer{Key: f.Key, Value: formValue(f, fs.inputs[i].Value())})
	}
	return out
}

// typ is the chosen occurrence type.
func (m *Model) typ() (config.OccurrenceType, bool) {
	if m.typeIdx < 0 || m.typeIdx >= len(m.types) {
		return config.OccurrenceType{}, false
	}
	return m.types[m.typeIdx], true
}

// subject is the chosen subject of the chosen type.
func (m *Model) subject() (config.Subject, bool) {
	t, ok := m.typ()
	if !ok || m.subjectIdx < 0 || m.subjectIdx >= len(t.Subjects) {
		return config.Subject{}, false
	}
	return t.Subjects[m.subjectIdx], true
}

// check validates one slot and returns its pt-BR message, "" when valid.
func (m *Model) check(s slot) string {
	switch s.id {
	case fType:
		if _, ok := m.typ(); !ok {
			return i18n.OccErrNoType
		}
	case fRequester:
		if m.reqIdx > 0 && !m.isOther() {
			f := m.family[m.reqIdx-1]
			switch {
			case !f.looked:
				return i18n.OccErrFamilyLoading
			case !f.found || strings.TrimSpace(f.rec.ChaveUnica) == "":
				return i18n.OccErrFamilyUnknown
			}
		}
		if m.reqIdx == 0 && strings.TrimSpace(m.ben.ChaveUnica) == "" {
			return i18n.OccErrNoKey
		}
	case fOtherName:
		return checkRequired(m.other[otherName].Value(), true)
	case fOtherKey:
		return checkKey(m.other[otherKey].Value())
	case fOtherEmail:
		return checkEmail(m.other[otherEmail].Value(), false)
	case fOtherPhone:
		return checkPhone(m.other[otherPhone].Value(), false)
	case fFormField:
		fs := m.form()
		if fs == nil || s.sub >= len(fs.def.Fields) {
			return ""
		}
		f := fs.def.Fields[s.sub]
		if f.Kind == config.FieldSelect {
			if f.Required && fs.sel[s.sub] < 0 {
				return i18n.OccErrSelect
			}
			return ""
		}
		return checkFormValue(f, fs.inputs[s.sub].Value())
	}
	return ""
}

// validate checks every field, records the messages and returns the index of the first invalid slot (-1: valid).
func (m *Model) validate() (first, count int) {
	first = -1
	clear(m.errs)
	for i, s := range m.slots() {
		if msg := m.check(s); msg != "" {
			m.errs[s] = msg
			count++
			if first < 0 {
				first = i
			}
		}
	}
	return first, count
}

// submit validates and, when valid, hands the occurrence to the outbox (Resubmit when correcting an item).
func (m *Model) submit() tea.Cmd {
	if m.phase != phaseEditing {
		return nil // locked while sending; done after sent/pending: Ctrl+S twice is one submission
	}
	first, n := m.validate()
	if first >= 0 {
		m.banner, m.bannerErr, m.invalid = i18n.OccErrInvalid(n), true, true
		return m.setFocus(first)
	}
	ob := m.ctx.Services.Outbox
	if ob == nil {
		m.banner, m.bannerErr = i18n.OccErrNoOutbox, true
		return nil
	}
	req := m.request()
	m.phase = phaseSending
	m.sendStart = time.Now()
	m.banner, m.bannerErr, m.invalid = "", false, false
	if in := m.input(m.focused()); in != nil {
		in.Blur()
	}
	m.note.Blur()
	return tea.Batch(m.sendCmd(ob, req), m.spinner.Tick)
}

// typeName names the occurrence's type and subject from the catalogue, for the session history.
func (m *Model) typeName() string {
	t, ok := m.typ()
	if !ok {
		return ""
	}
	if s, ok := m.subject(); ok {
		return t.Name + " / " + s.Name
	}
	return t.Name
}

// sendCmd hands the occurrence to the outbox off the Update goroutine: Resubmit when correcting an item, else Submit.
func (m *Model) sendCmd(ob common.Outbox, req model.Occurrence) tea.Cmd {
	attendant, id, logger := m.ctx.Session.Attendant, m.itemID, m.ctx.Session.Logger
	screen, typeName, dk, drop := m.id, m.typeName(), m.draftKey, m.dropDraft()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		var (
			item common.OutboxItem
			err  error
		)
		if id != "" {
			item, err = ob.Resubmit(ctx, id, req)
		} else {
			item, err = ob.Submit(ctx, attendant, req)
		}
		if err != nil {
			logger.Error("occurrence: submit failed", "item", id, "err", err)
		} else {
			logger.Info("occurrence: submitted", "item", item.ID, "state", string(item.State), "type", req.TypeID)
			if drop != nil {
				drop() // in the outbox now: the draft is no longer needed
			}
		}
		return common.SubmittedMsg{Screen: screen, Item: item, Err: err, TypeName: typeName, DraftKey: dk}
	}
}
