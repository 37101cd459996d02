package common

import "github.com/charmbracelet/lipgloss"

// Styles are built once per session from its renderer (never per View call).
type Styles struct {
	App          lipgloss.Style
	Title        lipgloss.Style
	Subtitle     lipgloss.Style
	Dim          lipgloss.Style
	Bold         lipgloss.Style
	Error        lipgloss.Style
	Warning      lipgloss.Style
	Success      lipgloss.Style
	Selected     lipgloss.Style
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
	Protocol     lipgloss.Style // the new protocol, shown large
	FieldFocused lipgloss.Style
	FieldBlurred lipgloss.Style
	HelpKey      lipgloss.Style
	HelpDesc     lipgloss.Style
}

// NewStyles builds the console's styles from a renderer (adaptive colours; NO_COLOR is honoured by the renderer's profile).
func NewStyles(r *lipgloss.Renderer) *Styles {
	var (
		accent  = lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}
		dim     = lipgloss.AdaptiveColor{Light: "#767676", Dark: "#8A8A8A"}
		green   = lipgloss.AdaptiveColor{Light: "#00875F", Dark: "#5FD787"}
		red     = lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"}
		amber   = lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF00"}
		barBg   = lipgloss.AdaptiveColor{Light: "#E4E4E4", Dark: "#303030"}
		barFg   = lipgloss.AdaptiveColor{Light: "#303030", Dark: "#D0D0D0"}
		selBg   = lipgloss.AdaptiveColor{Light: "#D7E7FF", Dark: "#264F78"}
		onBadge = lipgloss.Color("#000000")
	)
	s := &Styles{}
	s.App = r.NewStyle()
	s.Title = r.NewStyle().Bold(true).Foreground(accent)
	s.Subtitle = r.NewStyle().Foreground(dim)
	s.Dim = r.NewStyle().Foreground(dim)
	s.Bold = r.NewStyle().Bold(true)
	s.Error = r.NewStyle().Foreground(red).Bold(true)
	s.Warning = r.NewStyle().Foreground(amber)
	s.Success = r.NewStyle().Foreground(green).Bold(true)
	s.Selected = r.NewStyle().Background(selBg).Bold(true)
	s.GroupHeader = r.NewStyle().Bold(true).Foreground(accent)
	s.Label = r.NewStyle().Foreground(dim)
	s.Value = r.NewStyle()
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
	s.Protocol = r.NewStyle().Bold(true).Foreground(accent).Border(lipgloss.DoubleBorder()).BorderForeground(accent).Padding(1, 4)
	s.FieldFocused = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent)
	s.FieldBlurred = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(dim)
	s.HelpKey = r.NewStyle().Bold(true)
	s.HelpDesc = r.NewStyle().Foreground(dim)
	return s
}
