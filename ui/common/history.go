package common

import (
	"strings"
	"time"

	"github.com/balcao/balcao/model"
)

// Sent is one occurrence (or action on a protocol) this session handed to the outbox, as the session history (h)
// lists it.
type Sent struct {
	ItemID   string
	At       time.Time
	Name     string // whom it is about
	Type     string // the type and subject, named from the catalogue; for an action, what it does
	State    OutboxState
	Protocol string // the new occurrence's protocol, or the one acted on
	FollowUp bool   // an action on an existing protocol (a note, a status, an activation)
}

// History is the occurrences one session sent, newest first (kept in memory: it ends with the session).
type History struct {
	items []Sent
}

// Add records an occurrence handed to the outbox (or updates it, by item id).
func (h *History) Add(s Sent) {
	for i := range h.items {
		if h.items[i].ItemID == s.ItemID && s.ItemID != "" {
			h.items[i] = s
			return
		}
	}
	h.items = append([]Sent{s}, h.items...)
}

// Update follows an outbox item's new state and protocol; it reports whether the item is one of this session's.
func (h *History) Update(it OutboxItem) bool {
	for i := range h.items {
		if h.items[i].ItemID == it.ID {
			h.items[i].State = it.State
			if it.Protocol != "" {
				h.items[i].Protocol = it.Protocol
			}
			return true
		}
	}
	return false
}

// Items returns the occurrences, newest first.
func (h *History) Items() []Sent { return h.items }

// Len is how many occurrences the session sent.
func (h *History) Len() int { return len(h.items) }

// PartyName is whom an occurrence is about (beneficiary, else requester), without Mosia's " - chave" suffix.
func PartyName(occ model.Occurrence) string {
	name := occ.Requester.Name
	if b := occ.Beneficiary; b != nil && b.Name != "" {
		name = b.Name
	}
	if i := strings.LastIndex(name, " - "); i > 0 {
		name = name[:i]
	}
	return Clean(name)
}

// DraftKey is what a beneficiary's draft is filed under: the card's digits, else the chaveUnica ("" for neither).
func DraftKey(b model.Beneficiary) string {
	if c := model.Digits(b.Card); c != "" {
		return "card:" + c
	}
	if k := model.NormalizeChave(b.ChaveUnica); k != "" {
		return "chave:" + k
	}
	return ""
}
