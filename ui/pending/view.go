package pending

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// Column widths (the beneficiary column takes what is left).
const (
	colMarker   = 2
	colCreated  = 16 // DD/MM/AAAA HH:MM
	colState    = 19 // "Precisa de correção"
	colAttempts = 5
	colNext     = 11 // HH:MM today, else DD/MM HH:MM
	colGap      = 2
	minName     = 8
	headerLines = 4 // title, count, blank, column titles
	detailLines = 3
)

// fixedWidth is every column but the name.
const fixedWidth = colMarker + colCreated + colState + colAttempts + colNext + 4*colGap

// rowsVisible is how many items fit (two lines each).
func (m *Model) rowsVisible() int {
	return max((m.height-headerLines-m.footerHeight())/2, 1)
}

func (m *Model) footerHeight() int { return 1 + detailLines }

// View renders the screen: exactly height lines, none wider than width.
func (m *Model) View() string {
	lines := []string{m.ctx.Styles.Title.Render(i18n.PendTitle)}
	if it, ok := m.selected(); ok && m.detailOpen {
		return common.Fit(strings.Join(append(lines, m.detailLines(it)...), "\n"), m.width, m.height)
	}
	switch {
	case m.err != "" && !m.loaded:
		lines = append(lines, m.errorLines()...)
	case !m.loaded:
		lines = append(lines, "", "", m.ctx.Styles.Dim.Render(i18n.PendLoading))
	case len(m.items) == 0:
		lines = append(lines, m.emptyLines()...)
	default:
		lines = append(lines, m.listLines()...)
	}
	return common.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

// errorLines say the outbox could not be read (before anything was listed).
func (m *Model) errorLines() []string {
	lines := []string{"", ""}
	for _, l := range wrap(m.err, m.width) {
		lines = append(lines, m.ctx.Styles.Error.Render(l))
	}
	return lines
}

// emptyLines say, centred, that nothing waits to be sent (and the list error, if a refresh failed).
func (m *Model) emptyLines() []string {
	st := m.ctx.Styles
	lines := []string{"", "", ""}
	for _, l := range wrap(i18n.PendEmpty, m.width) {
		lines = append(lines, center(st.Success.Render(l), m.width))
	}
	if m.err != "" {
		lines = append(lines, "", st.Error.Render(m.err))
	}
	return lines
}

// listLines are the count, the column titles, the items in view (two lines each) and, at the bottom, the footer.
func (m *Model) listLines() []string {
	st := m.ctx.Styles
	lines := make([]string, 0, m.height)
	actions := 0
	for _, it := range m.items {
		if it.IsFollowUp() {
			actions++
		}
	}
	lines = append(lines, st.Subtitle.Render(i18n.PendCountItems(len(m.items)-actions, actions)), "")
	nameW := max(m.width-fixedWidth-1, minName)
	lines = append(lines, st.Label.Render(m.columns("", i18n.PendColCreated, i18n.PendColBeneficiary,
		i18n.PendColState, i18n.PendColAttempts, i18n.PendColNext, nameW)))
	from, to := m.list.VisibleItems()
	for i := from; i < to; i++ {
		l1, l2 := m.row(m.items[i], i == m.list.Selected(), nameW)
		lines = append(lines, l1, l2)
	}
	for len(lines) < m.height-m.footerHeight()-1 { // the title is above
		lines = append(lines, "")
	}
	return append(lines, m.footer()...)
}

// columns lays out one line of the table.
func (m *Model) columns(marker, created, name, state, attempts, next string, nameW int) string {
	gap := strings.Repeat(" ", colGap)
	return cell(marker, colMarker) + cell(created, colCreated) + gap + cell(name, nameW) + gap +
		cell(state, colState) + gap + cell(attempts, colAttempts) + gap + cell(next, colNext)
}

// row renders an item as two lines: the columns, then type / subject and the reason.
func (m *Model) row(it common.OutboxItem, selected bool, nameW int) (string, string) {
	st := m.ctx.Styles
	marker := ""
	if selected {
		marker = "›"
	}
	what := m.typeSubject(it)
	if it.IsFollowUp() {
		what = it.Summary
	}
	l1 := m.columns(marker, model.FormatDateTimeBR(it.CreatedAt), beneficiaryName(it), m.stateWord(it),
		strconv.Itoa(it.Attempts), m.nextTry(it), nameW)
	l2 := "    " + common.Clean(what)
	if it.Reason != "" {
		l2 += " · " + it.Reason
	}
	l2 = ansi.Truncate(l2, m.width, "…")
	if selected {
		return st.Selected.Render(l1), st.Selected.Render(l2)
	}
	if it.State == common.OutboxNeedsCorrection {
		return st.Value.Render(l1), st.Warning.Render(l2)
	}
	return st.Value.Render(l1), st.Dim.Render(l2)
}

// footer is the selected item's full reason (what to do next), or the list error.
func (m *Model) footer() []string {
	st := m.ctx.Styles
	out := []string{""}
	if m.err != "" {
		return append(out, wrapStyled(m.err, m.width, detailLines, st.Error.Render)...)
	}
	it, ok := m.selected()
	if !ok {
		return out
	}
	if m.confirm {
		return append(out, wrapStyled(confirmText(it), m.width, detailLines, st.WarningBold.Render)...)
	}
	text := it.Reason
	switch { // what to do first: a long reason is cut at the footer's last line, never the keys
	case it.State == common.OutboxNeedsCorrection:
		text = strings.TrimSpace(i18n.PendCorrectHint + " " + text)
	case it.State == common.OutboxNeedsReview && it.IsFollowUp():
		text = strings.TrimSpace(i18n.PendReviewHint + " " + text)
	}
	if m.retrying[it.ID] {
		text = i18n.PendRetrying
	}
	style := st.Dim.Render
	if it.State == common.OutboxNeedsCorrection {
		style = st.Warning.Render
	}
	return append(out, wrapStyled(text, m.width, detailLines, style)...)
}

// confirmText is the question x asks: cancel an item, or discard an action refused or under review.
func confirmText(it common.OutboxItem) string {
	switch {
	case !discardable(it):
		return i18n.PendCancelAsk
	case it.State == common.OutboxNeedsReview:
		return i18n.PendDiscardReviewAsk
	}
	return i18n.PendDiscardAsk
}

// detailLines are the selected item's full text: who, what, the note, why it waits — wrapped, scrolled.
func (m *Model) detailLines(it common.OutboxItem) []string {
	st := m.ctx.Styles
	occ := it.Occurrence
	var out []string
	field := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		for i, l := range wrap(common.Clean(value), max(m.width-18, 10)) {
			head := strings.Repeat(" ", 16)
			if i == 0 {
				head = st.Label.Render(cell(label, 16))
			}
			out = append(out, " "+head+" "+l)
		}
	}
	if it.IsFollowUp() {
		m.followUpLines(it, field)
		return m.scrolled(out, i18n.PendFollowUpTitle)
	}
	field(i18n.PendDetailWho, beneficiaryName(it))
	field(i18n.PendDetailAsked, occ.Requester.Name)
	field(i18n.PendDetailType, m.typeSubject(it))
	field(i18n.PendDetailDraft, occ.Contract)
	field(i18n.PendDetailWhen, model.FormatDateTimeBR(it.CreatedAt))
	field(i18n.PendDetailTries, strconv.Itoa(it.Attempts))
	field(i18n.PendDetailReason, m.stateWord(it)+" · "+it.Reason)
	for _, f := range occ.Forms {
		for _, a := range f.Fields {
			v := a.Value
			if a.Choice && a.Label != "" {
				v = a.Label
			}
			field(a.Key, v)
		}
	}
	field(i18n.PendDetailNote, occ.Note)
	return m.scrolled(out, i18n.PendDetailTitle)
}

// scrolled is a detail's lines from the first in view, under its title and the keys.
func (m *Model) scrolled(out []string, title string) []string {
	body := out[min(m.detailTop, max(len(out)-1, 0)):]
	head := []string{m.ctx.Styles.Subtitle.Render(title + " · " + i18n.PendDetailHint), ""}
	return append(head, body...)
}

// followUpLines are an action's full text: what, on which protocol, its text or its status, when, why it waits.
func (m *Model) followUpLines(it common.OutboxItem, field func(label, value string)) {
	f := it.FollowUp
	field(i18n.PendDetailAction, it.Summary)
	field(i18n.PendDetailProtocol, common.GroupDigits(f.Protocol))
	switch {
	case f.Note != nil:
		field(i18n.PendDetailNote, f.Note.Text)
	case f.Status != nil:
		field(i18n.ProtoFieldStatus, f.Status.StatusName)
		field(i18n.ProtoFieldOutcome, f.Status.Outcome)
		field(i18n.ProtoFieldReason, f.Status.ReasonName)
	}
	field(i18n.PendDetailWhen, model.FormatDateTimeBR(it.CreatedAt))
	field(i18n.PendDetailTries, strconv.Itoa(it.Attempts))
	field(i18n.PendDetailReason, m.stateWord(it)+" · "+it.Reason)
}

// stateWord is an item's state in words.
func (m *Model) stateWord(it common.OutboxItem) string {
	if m.retrying[it.ID] {
		return i18n.PendStateSending
	}
	return common.StateWord(it.State)
}

// nextTry is when the outbox tries again by itself.
func (m *Model) nextTry(it common.OutboxItem) string {
	if it.State != common.OutboxPending || it.NextTry.IsZero() || m.retrying[it.ID] {
		return i18n.PendNextNone
	}
	if !it.NextTry.After(m.now()) {
		return i18n.PendNextNow
	}
	return shortTime(it.NextTry, m.now())
}

// shortTime is HH:MM when t is today (São Paulo time), else DD/MM HH:MM.
func shortTime(t, now time.Time) string {
	s, today := model.FormatDateTimeBR(t), model.FormatDateTimeBR(now)
	if len(s) != 16 || len(today) != 16 {
		return s
	}
	if s[:10] == today[:10] {
		return s[11:]
	}
	return s[:5] + " " + s[11:]
}

// typeSubject names the item's type and subject from the catalogue (ids when the catalogue no longer has them).
func (m *Model) typeSubject(it common.OutboxItem) string {
	cat := m.ctx.Services.Catalogue
	occ := it.Occurrence
	t, ok := cat.TypeByID(occ.TypeID)
	name := t.Name
	if !ok {
		name = i18n.OccUnknownType(occ.TypeID)
	}
	if occ.SubjectID == 0 {
		return name
	}
	if s, ok := t.SubjectByID(occ.SubjectID); ok {
		return name + " / " + s.Name
	}
	return name + " / " + i18n.OccUnknownSubject(occ.SubjectID)
}

// beneficiaryName is the name of whom the occurrence is about (an action on a protocol: the protocol).
func beneficiaryName(it common.OutboxItem) string {
	if it.IsFollowUp() {
		return i18n.PendDetailProtocol + " " + common.GroupDigits(it.Target())
	}
	if b := it.Occurrence.Beneficiary; b != nil && strings.TrimSpace(b.Name) != "" {
		return b.Name
	}
	if n := strings.TrimSpace(it.Occurrence.Requester.Name); n != "" {
		return n
	}
	return i18n.PendNoName
}

// cell truncates or pads s to exactly w columns.
func cell(s string, w int) string {
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

func center(s string, width int) string {
	w := ansi.StringWidth(s)
	if w >= width {
		return s
	}
	return strings.Repeat(" ", (width-w)/2) + s
}

func wrap(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, max(width, 1), ""), "\n")
}

// wrapStyled wraps plain text to width, keeps at most n lines (the last one ending in "…" when cut), and styles each.
func wrapStyled(s string, width, n int, render func(...string) string) []string {
	if s == "" {
		return nil
	}
	lines := wrap(s, width)
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1], max(width-1, 1), "") + "…"
	}
	for i, l := range lines {
		lines[i] = render(l)
	}
	return lines
}
