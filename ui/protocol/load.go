package protocol

import (
	"context"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// detailMsg carries Mosia's detail back to the screen that asked, tagged with the screen and the call.
type detailMsg struct {
	screen uint64
	gen    int
	detail *model.ProtocolDetail
	err    error
}

// queueMsg carries the actions the outbox still holds for the protocol.
type queueMsg struct {
	screen uint64
	seq    int
	items  []common.OutboxItem
	err    error
}

// load asks Mosia for the detail (the last call wins: an older answer is dropped).
func (m *Model) load() tea.Cmd {
	if !m.loading {
		m.started = m.now()
	}
	m.gen++
	m.loading, m.err = true, nil
	gen, id, parent, number := m.gen, m.id, m.parent, m.number
	svc, log := m.ctx.Services, m.ctx.Session.Logger
	m.rebuild()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, callTimeout)
		defer cancel()
		d, err := svc.Mosia.Detail(ctx, number)
		if err != nil && parent.Err() == nil {
			log.Warn("protocol detail failed", "protocol", model.MaskTerm(number), "err", err)
		}
		return detailMsg{screen: id, gen: gen, detail: d, err: err}
	}
}

// loadQueue reads the actions on the protocol the outbox has not sent yet.
func (m *Model) loadQueue() tea.Cmd {
	ob := m.ctx.Services.Outbox
	if ob == nil {
		return nil
	}
	m.qseq++
	seq, id, number := m.qseq, m.id, m.number
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		items, err := ob.ForProtocol(ctx, number)
		return queueMsg{screen: id, seq: seq, items: items, err: err}
	}
}

// applyDetail stores an answer of the detail call unless it is another screen's or an older call's; the first
// one that loads is recorded in the access record.
func (m *Model) applyDetail(msg detailMsg) tea.Cmd {
	if msg.screen != m.id || msg.gen != m.gen {
		return nil
	}
	m.loading = false
	if msg.err != nil {
		m.err = msg.err
		m.rebuild()
		return nil
	}
	m.detail = cleanDetail(msg.detail)
	m.rebuild()
	switch m.reveal {
	case revealTop:
		m.list.Top()
	case revealBottom:
		m.list.Bottom()
	}
	m.reveal = revealNone
	var cmd tea.Cmd
	if !m.logged {
		m.logged = true
		cmd = m.recordAccess()
	}
	if m.correct != nil && m.form == nil {
		m.openCorrection()
	}
	return cmd
}

// recordAccess records that the attendant saw the protocol (its people and forms) in the access record.
func (m *Model) recordAccess() tea.Cmd {
	rec := m.ctx.Services.Accesses
	if rec == nil || m.detail == nil {
		return nil
	}
	chave := m.detail.Beneficiary.ChaveUnica
	if chave == "" {
		chave = m.detail.Requester.ChaveUnica
	}
	if chave == "" {
		chave = m.ben.ChaveUnica
	}
	a := common.Access{Attendant: m.ctx.Session.Attendant, Key: m.ctx.Session.KeyFingerprint, Chave: chave,
		Tabs: []string{"protocolo " + m.number}}
	log := m.ctx.Session.Logger
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := rec.Opened(ctx, a); err != nil {
			log.Error("access record: protocol opening not recorded", "chave", model.MaskTerm(a.Chave), "err", err)
			return common.NoticeMsg{Text: i18n.ProtoAccessFailed, Error: true}
		}
		return nil
	}
}

// cleanDetail makes what Mosia sent safe to draw (no tab, line break or control character in one-line values;
// notes keep their line breaks, each line cleaned).
func cleanDetail(d *model.ProtocolDetail) *model.ProtocolDetail {
	if d == nil {
		return nil
	}
	out := *d
	for _, p := range []*string{&out.Number, &out.Subject, &out.Type.Name, &out.Status.Name, &out.Function.Name,
		&out.Contract, &out.Channel, &out.Nature, &out.Outcome, &out.ClosingReason.Name} {
		*p = common.Clean(*p)
	}
	for _, p := range []*model.Party{&out.Requester, &out.Beneficiary} {
		p.Name, p.ChaveUnica, p.Email, p.Phone = common.Clean(p.Name), common.Clean(p.ChaveUnica), common.Clean(p.Email), common.Clean(p.Phone)
	}
	out.Note = cleanLines(d.Note)
	out.Forms = make([]model.FormView, len(d.Forms))
	for i, f := range d.Forms {
		fv := model.FormView{ID: common.Clean(f.ID), Name: common.Clean(f.Name)}
		for _, a := range f.Answers {
			fv.Answers = append(fv.Answers, model.Field{Label: common.Clean(a.Label), Value: common.Clean(a.Value)})
		}
		out.Forms[i] = fv
	}
	out.Notes = make([]model.Note, len(d.Notes))
	for i, n := range d.Notes {
		n.Text = cleanLines(n.Text)
		out.Notes[i] = n
	}
	return &out
}

// cleanLines cleans each line of a text and keeps the line breaks.
func cleanLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = common.Clean(l)
	}
	return strings.Join(lines, "\n")
}
