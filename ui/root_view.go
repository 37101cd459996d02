package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/common"
)

// maxHelpShare caps the full help so that some of the screen stays visible.
const minBodyWithHelp = 4

// tooSmall reports whether the terminal is below the console's minimum size.
func (r *Root) tooSmall() bool {
	return r.width < common.MinWidth || r.height < common.MinHeight
}

// helpHeight is how many lines the footer takes: one for the short help, more for the full help.
func (r *Root) helpHeight() int {
	if r.asking {
		return len(r.askLines())
	}
	if !r.showHelp {
		return 1
	}
	h := common.Lines(r.fullHelpView())
	return max(1, min(h, r.height-r.status.Lines(r.width)-minBodyWithHelp))
}

// bodyHeight is what is left for the active screen.
func (r *Root) bodyHeight() int { return max(0, r.height-r.status.Lines(r.width)-r.helpHeight()) }

// layout sizes every screen on the stack.
func (r *Root) layout() {
	if r.width <= 0 || r.height <= 0 || r.tooSmall() {
		return
	}
	r.help.Width = r.width
	bh := r.bodyHeight()
	for _, s := range r.stack {
		s.SetSize(r.width, bh)
	}
}

// View draws the active screen, the notice and status lines, and the help footer; always exactly the terminal's size.
func (r *Root) View() string {
	if r.quitting || r.width <= 0 || r.height <= 0 {
		return ""
	}
	if r.tooSmall() {
		return r.tooSmallView()
	}
	hh := r.helpHeight()
	var helpView string
	switch {
	case r.asking:
		helpView = strings.Join(r.askLines(), "\n")
	case r.showHelp:
		helpView = common.Fit(r.fullHelpView(), r.width, hh)
	default:
		helpView = r.shortHelpView()
	}
	body := common.Fit(r.active().View(), r.width, r.height-r.status.Lines(r.width)-hh)
	return body + "\n" + r.status.View(r.width) + "\n" + helpView
}

// globalBindings are the keys that work on every screen, enabled as they apply now.
func (r *Root) globalBindings() []key.Binding {
	typing := r.active().Typing()
	g := r.global
	help, quit, force, outbox, back, hist, search := g.Help, g.Quit, g.ForceQuit, g.Outbox, g.Back, g.History, g.Search
	help.SetEnabled(!typing)
	quit.SetEnabled(!typing)
	force.SetEnabled(typing)
	outbox.SetEnabled(!typing && !isPending(r.active()))
	back.SetEnabled(false)
	hist.SetEnabled(!typing && !isHistory(r.active()))
	search.SetEnabled(!typing && len(r.stack) > 1)
	return []key.Binding{help, outbox, quit, force, back, hist, search}
}

// askLines is the question "quit?" with what would be interrupted, wrapped, at most three lines.
func (r *Root) askLines() []string {
	drafts, sending := r.atStake()
	lines := common.WrapWords(i18n.UIQuitAsk(drafts, sending, r.status.Pending()), max(1, r.width-2))
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	for i, l := range lines {
		lines[i] = r.ctx.Styles.WarningBold.Render(" " + l)
	}
	return lines
}

// footerGlobals are the global keys the one-line footer shows (Pendências is announced by the status bar).
func (r *Root) footerGlobals() []key.Binding {
	g := r.globalBindings()
	return []key.Binding{g[0], g[2], g[3]}
}

// shortHelpView is the active screen's keys, cut with "…" if need be, and the global keys right-aligned (so
// "? ajuda" is always visible).
func (r *Root) shortHelpView() string {
	globals := r.shortHelpLine(r.footerGlobals(), r.width)
	gw := common.Width(globals)
	screen := r.shortHelpLine(r.active().ShortHelp(), r.width-gw-4)
	pad := max(1, r.width-1-common.Width(screen)-gw) // a one-cell right margin: only cut text touches the edge
	return common.Truncate(screen+strings.Repeat(" ", pad)+globals, r.width)
}

// shortHelpLine renders enabled bindings as "key desc · key desc", ending in "…" when the next does not fit in
// width (bubbles' help overflows when even the ellipsis does not fit).
func (r *Root) shortHelpLine(bindings []key.Binding, width int) string {
	st := r.ctx.Styles
	sep := st.Dim.Render(" · ")
	var b strings.Builder
	used := 0
	for _, kb := range bindings {
		if !kb.Enabled() {
			continue
		}
		item := st.HelpKey.Render(kb.Help().Key) + " " + st.HelpDesc.Render(kb.Help().Desc)
		if used > 0 {
			item = sep + item
		}
		w := common.Width(item)
		if used+w > width {
			if used > 0 && used+2 <= width {
				b.WriteString(" " + st.HelpDesc.Render(common.Ellipsis))
			}
			break
		}
		b.WriteString(item)
		used += w
	}
	return b.String()
}

// fullHelpView is the column of global keys and the active screen's key columns, laid out in bands as wide as the
// terminal (a column that does not fit starts the next band: none is ever hidden).
func (r *Root) fullHelpView() string {
	g := r.globalBindings()
	force, clear := r.global.ForceQuit, r.ctx.Keys.Clear // always listed in the full help
	globals := []key.Binding{g[0], g[1], g[5], g[6], g[2], force, clear}
	cols := append([][]key.Binding{globals}, r.active().FullHelp()...)
	var out []string
	for _, l := range common.WrapWords(i18n.UIHelpTitle, max(1, r.width-2)) {
		out = append(out, r.ctx.Styles.Bold.Render(" "+l))
	}
	return strings.Join(append(out, r.helpBands(cols)...), "\n")
}

// helpBands renders key columns side by side, starting a new band when the next column does not fit.
func (r *Root) helpBands(cols [][]key.Binding) []string {
	st := r.ctx.Styles
	var out, band []string
	used := 0
	flush := func() {
		out = append(out, band...)
		band, used = nil, 0
	}
	for _, col := range cols {
		var lines []string
		w := 0
		for _, b := range col {
			if b.Enabled() && b.Help().Key != "" {
				l := st.HelpKey.Render(b.Help().Key) + " " + st.HelpDesc.Render(b.Help().Desc)
				lines, w = append(lines, l), max(w, common.Width(l))
			}
		}
		if len(lines) == 0 {
			continue
		}
		if used > 0 && used+3+w > r.width-1 {
			flush()
		}
		for len(band) < len(lines) {
			band = append(band, strings.Repeat(" ", used))
		}
		for i := range band {
			cell := ""
			if i < len(lines) {
				cell = lines[i]
			}
			band[i] = common.PadRight(band[i], used) + common.PadRight(" "+cell, w+3)
		}
		used += w + 3
	}
	flush()
	return out
}

// tooSmallView tells the attendant the terminal is too small, centred, within whatever size there is.
func (r *Root) tooSmallView() string {
	st := r.ctx.Styles
	lines := []string{st.Error.Render(i18n.UITooSmallTitle)}
	lines = append(lines, common.WrapWords(i18n.UITooSmall(r.width, r.height, common.MinWidth, common.MinHeight), max(1, r.width-2))...)
	top := max(0, (r.height-len(lines))/2)
	out := make([]string, 0, r.height)
	for i := 0; i < top; i++ {
		out = append(out, "")
	}
	for _, l := range lines {
		pad := max(0, (r.width-common.Width(l))/2)
		out = append(out, strings.Repeat(" ", pad)+l)
	}
	return common.Fit(strings.Join(out, "\n"), r.width, r.height)
}
