package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// dirStmtCacheSize bounds the prepared reader statements a directory keeps: an identifier search builds its SQL
// from the kinds of the identifiers given, and many combinations make many texts.
const dirStmtCacheSize = 256

// dirStmtCache keeps prepared reader statements by SQL text, the dirStmtCacheSize most recently used. A
// statement handed out is held until released: one evicted meanwhile is closed by its last holder, never
// under a search about to run it (database/sql fails a query on a closed statement).
type dirStmtCache struct {
	db *sql.DB

	mu       sync.Mutex
	byText   map[string]*dirCachedStmt
	lru      list.List // of *dirCachedStmt, most recently used first
	prepared int       // statements prepared since open
}

// dirCachedStmt is a statement of the cache with its holders.
type dirCachedStmt struct {
	*sql.Stmt
	text    string
	holders int
	evicted bool // out of the cache: the last holder closes it
	at      *list.Element
}

func newDirStmtCache(db *sql.DB) *dirStmtCache {
	return &dirStmtCache{db: db, byText: map[string]*dirCachedStmt{}}
}

// get returns the prepared statement of query, preparing it when missing; the caller releases it once its
// query has started (rows keep the statement alive by themselves).
func (c *dirStmtCache) get(ctx context.Context, query string) (*dirCachedStmt, error) {
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
	s := &dirCachedStmt{Stmt: st, text: query, holders: 1}
	s.at = c.lru.PushFront(s)
	c.byText[query] = s
	c.prepared++
	var unused []*dirCachedStmt
	for c.lru.Len() > dirStmtCacheSize {
		old := c.lru.Remove(c.lru.Back()).(*dirCachedStmt)
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
func (c *dirStmtCache) holdLocked(query string) *dirCachedStmt {
	s, ok := c.byText[query]
	if !ok {
		return nil
	}
	s.holders++
	c.lru.MoveToFront(s.at)
	return s
}

// release ends a hold of get, closing the statement when it was evicted and this was its last holder.
func (c *dirStmtCache) release(s *dirCachedStmt) {
	c.mu.Lock()
	s.holders--
	last := s.evicted && s.holders == 0
	c.mu.Unlock()
	if last {
		_ = s.Close()
	}
}

// close evicts every statement, closing the ones nobody holds.
func (c *dirStmtCache) close() {
	c.mu.Lock()
	var unused []*dirCachedStmt
	for e := c.lru.Front(); e != nil; e = e.Next() {
		s := e.Value.(*dirCachedStmt)
		s.evicted = true
		if s.holders == 0 {
			unused = append(unused, s)
		}
	}
	c.lru.Init()
	c.byText = map[string]*dirCachedStmt{}
	c.mu.Unlock()
	for _, s := range unused {
		_ = s.Close()
	}
}
