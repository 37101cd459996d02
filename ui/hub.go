package ui

import (
	"sync"

	tea "github.com/charmbracelet/bubbletea"
)

// hubQueue is how many messages one console may lag behind before the hub drops its oldest news.
const hubQueue = 64

// Hub relays events from the HTTP side and the outbox to every open console (wishlist's broadcast relay): each
// program has its own ordered queue, so a slow console never blocks Broadcast nor the others.
type Hub struct {
	mu    sync.Mutex
	next  int
	progs map[int]chan tea.Msg
}

// NewHub builds an empty hub.
func NewHub() *Hub { return &Hub{progs: map[int]chan tea.Msg{}} }

// Register adds a running program; call the returned func when it ends (safe to call more than once).
func (h *Hub) Register(p *tea.Program) (unregister func()) {
	ch := make(chan tea.Msg, hubQueue)
	h.mu.Lock()
	id := h.next
	h.next++
	h.progs[id] = ch
	h.mu.Unlock()
	go func() {
		for msg := range ch {
			p.Send(msg) // returns at once once the program has ended
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.progs, id)
			h.mu.Unlock()
			close(ch)
		})
	}
}

// Broadcast queues msg for every registered program without waiting; a console whose queue is full misses it.
func (h *Hub) Broadcast(msg tea.Msg) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range h.progs {
		select {
		case ch <- msg:
		default:
		}
	}
}

// Len returns how many consoles are registered.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.progs)
}
