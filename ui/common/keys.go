package common

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key of the console (DESIGN.md "Keys": stable, tests and people depend on them). Screens enable
// and disable bindings so that help shows only what works.
type KeyMap struct {
	Search    key.Binding // / focus search
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Open      key.Binding // Enter
	Back      key.Binding // Esc
	NextTab   key.Binding // Tab
	PrevTab   key.Binding // Shift+Tab
	Tab1      key.Binding
	Tab2      key.Binding
	Tab3      key.Binding
	Tab4      key.Binding
	New       key.Binding // n new occurrence
	Submit    key.Binding // Ctrl+S
	Refresh   key.Binding // r refresh/retry
	Copy      key.Binding // y copy protocol
	More      key.Binding // + more protocols
	Less      key.Binding // - fewer protocols
	Outbox    key.Binding // p pendências
	Help      key.Binding // ?
	Quit      key.Binding // q (only when no field is being typed in)
	ForceQuit key.Binding // Ctrl+C always
}

// DefaultKeyMap returns the console's keys with pt-BR help.
func DefaultKeyMap() *KeyMap {
	return &KeyMap{
		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "buscar")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "subir")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "descer")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("PgUp", "página acima")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("PgDn", "página abaixo")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "abrir")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "voltar")),
		NextTab:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "próxima aba")),
		PrevTab:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "aba anterior")),
		Tab1:      key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "Contrato")),
		Tab2:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "Família")),
		Tab3:      key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "Carências")),
		Tab4:      key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "Protocolos")),
		New:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "nova ocorrência")),
		Submit:    key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "enviar")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "atualizar/tentar de novo")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copiar protocolo")),
		More:      key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "mais protocolos")),
		Less:      key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "menos protocolos")),
		Outbox:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pendências")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "ajuda")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "sair")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "sair sempre")),
	}
}
