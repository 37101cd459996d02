package search

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// Update handles keys (the field gets them first while focused), the debounce tick and search results.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd := m.handleKey(msg)
		m.updateKeys()
		m.layoutList()
		return m, cmd
	case debounceMsg:
		if msg.seq != m.seq {
			return m, nil // a newer keystroke will search
		}
		return m, m.searchCmd(msg.seq, msg.term)
	case ResultsMsg:
		m.applyResults(msg)
		fallback := m.startFallback(msg)
		m.updateKeys()
		m.layoutList()
		if m.openOnArrival && msg.Seq == m.seq && (fallback == nil || len(m.items) > 0) {
			m.openOnArrival = false
			if it, ok := m.Selected(); ok && msg.Err == nil {
				return m, m.ctx.Navigate(common.OpenBeneficiaryMsg{Beneficiary: it.Beneficiary, Contract: it.Contract})
			}
		}
		return m, fallback
	case fallbackMsg:
		if msg.seq != m.seq {
			return m, nil // a newer keystroke: its own search decides
		}
		return m, m.fallbackCmd(msg)
	case common.SearchMsg:
		m.input.CursorEnd()
		cmd := m.input.Focus()
		m.updateKeys()
		m.layoutList()
		return m, cmd
	}
	return m, nil
}

// handleKey moves the selection, opens, leaves or focuses the field; other keys type while the field has focus.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	focused := m.input.Focused()
	switch {
	case msg.Type == tea.KeyUp || (!focused && key.Matches(msg, m.keys.Up)):
		m.list.Move(-1)
		return nil
	case msg.Type == tea.KeyDown || (!focused && key.Matches(msg, m.keys.Down)):
		m.list.Move(1)
		return nil
	case key.Matches(msg, m.keys.PageUp):
		m.list.PageUp()
		return nil
	case key.Matches(msg, m.keys.PageDown):
		m.list.PageDown()
		return nil
	case !focused && key.Matches(msg, m.keys.Home):
		m.list.Top()
		return nil
	case !focused && key.Matches(msg, m.keys.End):
		m.list.Bottom()
		return nil
	case msg.Type == tea.KeyEnter:
		return m.enter()
	case !focused && key.Matches(msg, m.keys.New):
		if it, ok := m.Selected(); ok {
			return m.ctx.Navigate(common.NewOccurrenceMsg{Beneficiary: it.Beneficiary, Contract: it.Contract})
		}
		return nil
	case focused && msg.Type == tea.KeyEsc: // leave the field, the results stay (j/k, g/G, n work on them)
		m.input.Blur()
		return nil
	case !focused && key.Matches(msg, m.keys.Clear2):
		m.input.SetValue("") // Esc on the results clears the search and goes back to the field
		cmd := m.input.Focus()
		return tea.Batch(cmd, m.changed())
	case !focused && key.Matches(msg, m.keys.Focus):
		m.input.CursorEnd()
		return m.input.Focus()
	case !focused:
		return nil
	}
	return m.typeKey(msg)
}

// enter opens the selected match; when the results on screen are of an older term, it searches the term typed now
// and opens its best match when it arrives.
func (m *Model) enter() tea.Cmd {
	if term := strings.TrimSpace(m.input.Value()); m.searching && term != "" && term != m.term {
		m.openOnArrival = true
		return m.searchCmd(m.seq, term)
	}
	if it, ok := m.Selected(); ok {
		return m.ctx.Navigate(common.OpenBeneficiaryMsg{Beneficiary: it.Beneficiary, Contract: it.Contract})
	}
	if term := strings.TrimSpace(m.input.Value()); m.err != "" && !m.searching && term != "" {
		m.searching = true // the directory failed for the term on screen: search again
		return m.searchCmd(m.seq, term)
	}
	if m.fallback.err != "" && !m.searching { // TOTVS did not answer for the term on screen: ask again
		m.fallback.err = ""
		return m.fallbackCmd(fallbackMsg{seq: m.seq, term: m.term, query: m.query})
	}
	return nil
}

// typeKey gives a key to the focused field; a changed term is searched after the debounce.
func (m *Model) typeKey(msg tea.KeyMsg) tea.Cmd {
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() == before {
		return cmd
	}
	return tea.Batch(cmd, m.changed())
}

// changed tags a new keystroke and schedules its search after the debounce (a TOTVS search of an older term stops).
func (m *Model) changed() tea.Cmd {
	m.seq++
	m.openOnArrival = false
	m.stopFallback()
	seq, term := m.seq, strings.TrimSpace(m.input.Value())
	if term == "" {
		// Nothing to search: clear at once (newer than any result in flight).
		m.applyResults(ResultsMsg{Seq: seq})
		return nil
	}
	m.searching = true
	return tea.Tick(Debounce, func(_ time.Time) tea.Msg { return debounceMsg{seq: seq, term: term} })
}

// searchCmd runs the directory search off the Update goroutine.
func (m *Model) searchCmd(seq int, term string) tea.Cmd {
	dir := m.ctx.Services.Directory
	log := m.ctx.Session.Logger
	return func() tea.Msg {
		q := model.Classify(term)
		if q.Empty() {
			return ResultsMsg{Seq: seq, Term: term, Query: q}
		}
		ctx, cancel := context.WithTimeout(context.Background(), searchTimeout)
		defer cancel()
		ms, err := dir.Search(ctx, q, Limit)
		if err != nil {
			log.Warn("directory search failed", "term", model.MaskTerm(term), "err", err)
		}
		return ResultsMsg{Seq: seq, Term: term, Query: q, Matches: ms, Err: err}
	}
}

// applyResults shows a result unless a newer one is already on screen (TOTVS's answer replaces the directory's
// "nobody" for the same term).
func (m *Model) applyResults(r ResultsMsg) {
	if r.Seq < m.shownSeq {
		return
	}
	m.fallback.asking, m.fallback.asked, m.fallback.err = false, r.FromTOTVS, ""
	if r.FromTOTVS && r.Err != nil {
		m.fallback.err, r.Err = client.UserMessage(r.Err), nil
	}
	m.shownSeq = r.Seq
	if r.Seq == m.seq {
		m.searching = false
	}
	m.term, m.query, m.err = r.Term, r.Query, ""
	if r.Err != nil {
		m.err = i18n.UISearchError(errors.Is(r.Err, context.DeadlineExceeded))
	}
	prev, hadPrev := m.Selected()
	for i := range r.Matches {
		cleanMatch(&r.Matches[i])
	}
	m.groups = model.GroupByContract(r.Matches)
	m.items = m.items[:0]
	for _, g := range m.groups {
		m.items = append(m.items, g.Matches...)
	}
	sel := 0
	if hadPrev { // keep the same person selected while the list refines
		for i, it := range m.items {
			if it.Beneficiary.Card == prev.Beneficiary.Card && it.Contract.Number == prev.Contract.Number {
				sel = i
				break
			}
		}
	}
	m.render()
	m.list.Top()
	m.list.Select(sel)
}

// startFallback schedules the TOTVS search when the directory found nobody for the term just searched (and TOTVS
// can answer such a query: a name, a card or a CPF).
func (m *Model) startFallback(r ResultsMsg) tea.Cmd {
	if r.FromTOTVS || r.Err != nil || len(r.Matches) > 0 || r.Seq != m.seq || m.ctx.Services.TOTVS == nil {
		return nil
	}
	if _, ok := model.FallbackKey(r.Query); !ok {
		return nil
	}
	m.fallback.asking = true
	msg := fallbackMsg{seq: r.Seq, term: r.Term, query: r.Query}
	return tea.Tick(FallbackDelay, func(time.Time) tea.Msg { return msg })
}

// fallbackCmd asks TOTVS off the Update goroutine; a newer keystroke cancels it.
func (m *Model) fallbackCmd(f fallbackMsg) tea.Cmd {
	m.stopFallback()
	m.fallback.asking = true
	ctx, cancel := context.WithTimeout(context.Background(), fallbackTimeout)
	m.fallback.cancel = cancel
	tv, log := m.ctx.Services.TOTVS, m.ctx.Session.Logger
	return func() tea.Msg {
		defer cancel()
		ms, err := tv.SearchQuery(ctx, f.query)
		if err != nil {
			if ctx.Err() != nil && ctx.Err() != context.DeadlineExceeded {
				return nil // a newer term was typed
			}
			log.Warn("totvs search failed", "term", model.MaskTerm(f.term), "err", err)
		}
		return ResultsMsg{Seq: f.seq, Term: f.term, Query: f.query, Matches: ms, Err: err, FromTOTVS: true}
	}
}

// stopFallback cancels a TOTVS search in flight.
func (m *Model) stopFallback() {
	if m.fallback.cancel != nil {
		m.fallback.cancel()
		m.fallback.cancel = nil
	}
	m.fallback.asking = false
}

// cleanMatch makes the directory's text safe to draw (no tabs or control characters).
func cleanMatch(mt *model.Match) {
	b := &mt.Beneficiary
	b.Name, b.Situation, b.Phone = common.Clean(b.Name), common.Clean(b.Situation), common.Clean(b.Phone)
	mt.Contract.Number, mt.Contract.Description = common.Clean(mt.Contract.Number), common.Clean(mt.Contract.Description)
}
