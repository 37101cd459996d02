package common

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/model"
)

// Component is a screen: a tea.Model that knows its keys (for help) and takes its size from the root.
type Component interface {
	Init() tea.Cmd
	Update(tea.Msg) (Component, tea.Cmd)
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Typing reports whether a text field has focus (then q types a "q" and the screen gets every key first).
	Typing() bool
}

// OpenBeneficiaryMsg asks the root to open the Beneficiário screen.
type OpenBeneficiaryMsg struct {
	Beneficiary model.Beneficiary
	Contract    model.ContractRef // the contract it was chosen under (may be empty)
}

// NewOccurrenceMsg asks the root to open Nova ocorrência for a beneficiary.
type NewOccurrenceMsg struct {
	Beneficiary model.Beneficiary
	Contract    model.ContractRef
	Family      []model.FamilyMember // when the Família tab has loaded, for choosing another requester
	Draft       *Draft               // a draft left open for this beneficiary: the form opens on it
	Plan        string               // the plan, shown beside the form when wide
	Protocols   []model.Protocol     // the last protocols, shown beside the form when wide
}

// OccurrenceSentMsg tells the root (and the Beneficiário screen) that an occurrence got a protocol.
type OccurrenceSentMsg struct {
	ChaveUnica string
	Protocol   string
}

// EditOutboxItemMsg asks the root to open Nova ocorrência on an item that needs correction.
type EditOutboxItemMsg struct {
	Item OutboxItem
}

// OpenOutboxMsg asks the root to open Pendências.
type OpenOutboxMsg struct{}

// BackMsg asks the root to close the current screen and return to the previous one.
type BackMsg struct{}

// NoticeMsg shows a short pt-BR notice in the status line (Error marks it as a failure).
type NoticeMsg struct {
	Text  string
	Error bool
}

// Cmd wraps a message as a command.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// SearchMsg asks the root to go back to Busca with the search field focused (the global /).
type SearchMsg struct{}

// SubmittedMsg is the outbox's answer to a submission (the root records it in the session history and drops the
// draft; the form that sent it shows the outcome, if it is still open).
type SubmittedMsg struct {
	Screen   uint64 // the form that sent it
	Item     OutboxItem
	Err      error  // nothing was stored
	TypeName string // the type and subject, for the history
	DraftKey string // the draft the occurrence came from ("" when none is kept)
	Name     string // whom it is about, when the item does not say (a follow-up)
}

// OpenProtocolMsg asks the root to open a protocol's detail.
type OpenProtocolMsg struct {
	Protocol    string            // the protocol's number (digits)
	Beneficiary model.Beneficiary // whom it is about, when known (for the access record and the history)
	Correct     *OutboxItem       // a follow-up Mosia refused: its form opens filled, Ctrl+S sends it corrected
}

// OpenGuideMsg asks the root to show one authorization guide's fields.
type OpenGuideMsg struct {
	Guide model.Authorization
	Name  string // the beneficiary's name, for the title
}

// FollowUpSentMsg tells every screen that a follow-up reached Mosia: the protocol changed (a note, a status).
type FollowUpSentMsg struct {
	Protocol string
}
