package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/statusbar"
)

// maxHelpShare caps the full help so that some of the screen stays visible.
const minBodyWithHelp = 4

// tooSmall reports whether the terminal is below the console's minimum size.
func (r *Root) tooSmall() bool {
	return r.width < common.MinWidth || r.height < common.MinHeight
}

// helpHeight is how many lines the footer takes: one for the short help, more for the full help.
func (r *Root) helpHeight() int {
	if !r.showHelp {
		return 1
	}
	h := common.Lines(r.fullHelpView())
	return max(1, min(h, r.height-statusbar.Height-minBodyWithHelp))
}

// bodyHeight is what is left for the active screen.
func (r *Root) bodyHeight() int { return max(0, r.height-statusbar.Height-r.helpHeight()) }

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
	if r.showHelp {
		helpView = common.Fit(r.fullHelpView(), r.width, hh)
	} else {
		helpView = r.shortHelpView()
	}
	body := common.Fit(r.active().View(), r.width, r.height-statusbar.Height-hh)
	return body + "\n" + r.status.View(r.width) + "\n" + helpView
}

// globalBindings are the keys that work on every screen, enabled as they apply now.
func (r *Root) globalBindings() []key.Binding {
	typing := r.active().Typing()
	help, quit, force, outbox, back := r.global.Help, r.global.Quit, r.global.ForceQuit, r.global.Outbox, r.global.Back
	help.SetEnabled(!typing)
	quit.SetEnabled(!typing)
	force.SetEnabled(typing)
	outbox.SetEnabled(!typing && !isPending(r.active()))
	back.SetEnabled(false)
	return []key.Binding{help, outbox, quit, force, back}
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

// fullHelpView is the active screen's key columns and a column of global keys.
func (r *Root) fullHelpView() string {
	cols := append([][]key.Binding(nil), r.active().FullHelp()...)
	g := r.globalBindings()
	force := r.global.ForceQuit // always listed in the full help
	cols = append(cols, append(g[:3:3], force))
	title := r.ctx.Styles.Bold.Render(common.Truncate(" "+i18n.UIHelpTitle, r.width-1))
	return title + "\n" + r.help.FullHelpView(cols)
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
