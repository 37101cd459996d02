package common

import "github.com/charmbracelet/lipgloss"

// Styles are built once per session from its renderer (never per View call).
type Styles struct {
	Plain        lipgloss.Style // no attributes: clears the bubbles' own default styles
	App          lipgloss.Style
	Title        lipgloss.Style
	Subtitle     lipgloss.Style
	Dim          lipgloss.Style
	Bold         lipgloss.Style
	Error        lipgloss.Style
	Warning      lipgloss.Style
	WarningBold  lipgloss.Style // a warning that must not be missed (discard the changes?, not sent yet)
	Success      lipgloss.Style
	Selected     lipgloss.Style
	Cursor       lipgloss.Style // the search field's cursor
	Spinner      lipgloss.Style // the sending spinner
	GroupHeader  lipgloss.Style
	Label        lipgloss.Style
	Value        lipgloss.Style
	EmptyValue   lipgloss.Style
	Section      lipgloss.Style
	TabActive    lipgloss.Style
	TabInactive  lipgloss.Style
	BadgeActive  lipgloss.Style // Ativo: green
	BadgeBlocked lipgloss.Style // Bloqueado: red
	BadgeFuture  lipgloss.Style // Bloqueio Futuro: amber
	BadgeNeutral lipgloss.Style
	Running      lipgloss.Style // a grace period still running
	StatusBar    lipgloss.Style
	StatusDemo   lipgloss.Style
	StatusProd   lipgloss.Style
	StatusOK     lipgloss.Style
	StatusBad    lipgloss.Style
	BarOK        lipgloss.Style // StatusOK on the bar (the bar's own colours win)
	BarBad       lipgloss.Style // StatusBad on the bar
	BarWarning   lipgloss.Style // the pending count on the bar when there are some
	BarSlow      lipgloss.Style // an upstream that answers slowly
	Protocol     lipgloss.Style // the new protocol, shown large
	FieldFocused lipgloss.Style // a lone field's box with focus
	FieldBlurred lipgloss.Style // and without
	HelpKey      lipgloss.Style
	HelpDesc     lipgloss.Style
}

// palette is the console's colours; without colour (NO_COLOR) every one is lipgloss.NoColor.
type palette struct {
	accent, dim, green, red, amber, barBg, barFg, selBg, onBadge lipgloss.TerminalColor
}

func newPalette(color bool) palette {
	if !color {
		n := lipgloss.NoColor{}
		return palette{n, n, n, n, n, n, n, n, n}
	}
	return palette{
		accent:  lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"},
		dim:     lipgloss.AdaptiveColor{Light: "#767676", Dark: "#8A8A8A"},
		green:   lipgloss.AdaptiveColor{Light: "#00875F", Dark: "#5FD787"},
		red:     lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"},
		amber:   lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF00"},
		barBg:   lipgloss.AdaptiveColor{Light: "#E4E4E4", Dark: "#303030"},
		barFg:   lipgloss.AdaptiveColor{Light: "#303030", Dark: "#D0D0D0"},
		selBg:   lipgloss.AdaptiveColor{Light: "#D7E7FF", Dark: "#264F78"},
		onBadge: lipgloss.Color("#000000"),
	}
}

// NewStyles builds the console's styles from a renderer (adaptive colours).
func NewStyles(r *lipgloss.Renderer) *Styles { return newStyles(r, true) }

// NewMonoStyles builds the styles without any colour, for NO_COLOR: bold, reverse and underline stay, and what
// colour alone told (the selection, badges, the bar) is told by reverse video.
func NewMonoStyles(r *lipgloss.Renderer) *Styles { return newStyles(r, false) }

func newStyles(r *lipgloss.Renderer, color bool) *Styles {
	p := newPalette(color)
	accent, dim, green, red, amber, barBg, barFg, selBg, onBadge := p.accent, p.dim, p.green, p.red, p.amber, p.barBg, p.barFg, p.selBg, p.onBadge
	s := &Styles{}
	s.Plain = r.NewStyle()
	s.App = r.NewStyle()
	s.Title = r.NewStyle().Bold(true).Foreground(accent)
	s.Subtitle = r.NewStyle().Foreground(dim)
	s.Dim = r.NewStyle().Foreground(dim)
	s.Bold = r.NewStyle().Bold(true)
	s.Error = r.NewStyle().Foreground(red).Bold(true)
	s.Warning = r.NewStyle().Foreground(amber)
	s.WarningBold = s.Warning.Bold(true)
	s.Success = r.NewStyle().Foreground(green).Bold(true)
	s.Selected = r.NewStyle().Background(selBg).Bold(true)
	s.Spinner = r.NewStyle().Foreground(accent)
	s.GroupHeader = r.NewStyle().Bold(true).Foreground(accent)
	s.Label = r.NewStyle().Foreground(dim)
	s.Value = r.NewStyle()
	s.Cursor = s.Value.Reverse(true)
	s.EmptyValue = r.NewStyle().Foreground(dim).Faint(true)
	s.Section = r.NewStyle().Bold(true).Underline(true)
	s.TabActive = r.NewStyle().Bold(true).Foreground(accent).Underline(true).Padding(0, 1)
	s.TabInactive = r.NewStyle().Foreground(dim).Padding(0, 1)
	s.BadgeActive = r.NewStyle().Background(green).Foreground(onBadge).Bold(true).Padding(0, 1)
	s.BadgeBlocked = r.NewStyle().Background(red).Foreground(onBadge).Bold(true).Padding(0, 1)
	s.BadgeFuture = r.NewStyle().Background(amber).Foreground(onBadge).Bold(true).Padding(0, 1)
	s.BadgeNeutral = r.NewStyle().Reverse(true).Padding(0, 1)
	s.Running = r.NewStyle().Foreground(amber).Bold(true)
	s.StatusBar = r.NewStyle().Background(barBg).Foreground(barFg)
	s.StatusDemo = r.NewStyle().Background(amber).Foreground(onBadge).Bold(true).Padding(0, 1)
	s.StatusProd = r.NewStyle().Background(green).Foreground(onBadge).Bold(true).Padding(0, 1)
	s.StatusOK = r.NewStyle().Foreground(green)
	s.StatusBad = r.NewStyle().Foreground(red).Bold(true)
	// The bar's own foreground would win over Inherit: each state sets its colour over the bar's background.
	s.BarOK = r.NewStyle().Background(barBg).Foreground(green)
	s.BarBad = r.NewStyle().Background(barBg).Foreground(red).Bold(true)
	s.BarWarning = r.NewStyle().Background(barBg).Foreground(amber).Bold(true)
	s.BarSlow = s.BarWarning
	if !color {
		mono(s)
	}
	s.Protocol = r.NewStyle().Bold(true).Foreground(accent).Border(lipgloss.DoubleBorder()).BorderForeground(accent).Padding(1, 4)
	s.FieldFocused = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.FieldBlurred = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(dim).Padding(0, 1)
	s.HelpKey = r.NewStyle().Bold(true)
	s.HelpDesc = r.NewStyle().Foreground(dim)
	return s
}

// mono marks with attributes what the coloured styles tell by colour alone.
func mono(s *Styles) {
	s.Selected = s.Selected.Reverse(true)
	for _, b := range []*lipgloss.Style{&s.BadgeActive, &s.BadgeBlocked, &s.BadgeFuture, &s.StatusDemo, &s.StatusProd} {
		*b = b.Reverse(true)
	}
	s.StatusBar = s.StatusBar.Reverse(true)
	s.BarOK = s.BarOK.Reverse(true)
	s.BarBad = s.BarBad.Reverse(true).Underline(true)
	s.BarWarning = s.BarWarning.Reverse(true)
	s.BarSlow = s.BarSlow.Reverse(true).Underline(true)
	s.Warning = s.Warning.Underline(true)
	s.Running = s.Running.Underline(true)
}
