package directory

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCacheSize bounds the prepared reader statements a directory keeps: an identifier search builds its SQL
// from the kinds of the identifiers given, and many combinations make many texts.
const stmtCacheSize = 256

// stmtCache keeps prepared reader statements by SQL text, the stmtCacheSize most recently used. A
// statement handed out is held until released: one evicted meanwhile is closed by its last holder, never
// under a search about to run it (database/sql fails a query on a closed statement).
type stmtCache struct {
	db *sql.DB

	mu       sync.Mutex
	byText   map[string]*cachedStmt
	lru      list.List // of *cachedStmt, most recently used first
	prepared int       // statements prepared since open
}

// cachedStmt is a statement of the cache with its holders.
type cachedStmt struct {
	*sql.Stmt
	text    string
	holders int
	evicted bool // out of the cache: the last holder closes it
	at      *list.Element
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, byText: map[string]*cachedStmt{}}
}

// get returns the prepared statement of query, preparing it when missing; the caller releases it once its
// query has started (rows keep the statement alive by themselves).
func (c *stmtCache) get(ctx context.Context, query string) (*cachedStmt, error) {
	c.mu.Lock()
	if s := c.holdLocked(query); s != nil {
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	st, err := c.db.PrepareContext(ctx, query) // unlocked: other searches go on meanwhile
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if s := c.holdLocked(query); s != nil { // prepared meanwhile by another search
		c.mu.Unlock()
		_ = st.Close()
		return s, nil
	}
	s := &cachedStmt{Stmt: st, text: query, holders: 1}
	s.at = c.lru.PushFront(s)
	c.byText[query] = s
	c.prepared++
	var unused []*cachedStmt
	for c.lru.Len() > stmtCacheSize {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.byText, old.text)
		old.evicted = true
		if old.holders == 0 {
			unused = append(unused, old)
		}
	}
	c.mu.Unlock()
	for _, old := range unused {
		_ = old.Close()
	}
	return s, nil
}

// holdLocked returns the cached statement of query, held, or nil; c.mu is held.
func (c *stmtCache) holdLocked(query string) *cachedStmt {
	s, ok := c.byText[query]
	if !ok {
		return nil
	}
	s.holders++
	c.lru.MoveToFront(s.at)
	return s
}

// release ends a hold of get, closing the statement when it was evicted and this was its last holder.
func (c *stmtCache) release(s *cachedStmt) {
	c.mu.Lock()
	s.holders--
	last := s.evicted && s.holders == 0
	c.mu.Unlock()
	if last {
		_ = s.Close()
	}
}

// close evicts every statement, closing the ones nobody holds.
func (c *stmtCache) close() {
	c.mu.Lock()
	var unused []*cachedStmt
	for e := c.lru.Front(); e != nil; e = e.Next() {
		s := e.Value.(*cachedStmt)
		s.evicted = true
		if s.holders == 0 {
			unused = append(unused, s)
		}
	}
	c.lru.Init()
	c.byText = map[string]*cachedStmt{}
	c.mu.Unlock()
	for _, s := range unused {
		_ = s.Close()
	}
}
