package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// maxGroup bounds how many lines one transaction writes.
const maxGroup = 1024

// ErrClosed is a Record after Close.
var ErrClosed = errors.New("audit: record closed")

// Log is the access record, safe for concurrent use: Record queues a line and a writer appends the lines
// queued together in one group to its Store.
type Log struct {
	st   Store
	reqs chan request

	mu     sync.RWMutex // guards closed against sends on reqs
	closed bool
	done   chan struct{}
}

type request struct {
	e    Entry
	done chan error
}

// Open opens (creating if needed, mode 0600) the access record in the SQLite file at path and starts its writer.
func Open(path string) (*Log, error) {
	st, err := OpenSQLite(path)
	if err != nil {
		return nil, err
	}
	return NewLog(st), nil
}

// NewLog starts the record's writer over st; closing the Log closes st.
func NewLog(st Store) *Log {
	l := &Log{st: st, reqs: make(chan request, maxGroup), done: make(chan struct{})}
	go l.writer()
	return l
}

// Store is the store the record is kept in.
func (l *Log) Store() Store { return l.st }

// Record appends an entry and returns once it is stored (or ctx ends first: then the line may still be written).
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	r := request{e: e, done: make(chan error, 1)}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClosed
	}
	select {
	case l.reqs <- r:
		l.mu.RUnlock()
	case <-ctx.Done():
		l.mu.RUnlock()
		return fmt.Errorf("audit record: %w", ctx.Err())
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("audit record: %w", ctx.Err())
	}
}

// Close writes what is queued and closes the store.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.reqs)
	l.mu.Unlock()
	<-l.done
	return l.st.Close()
}

// gatherFor is how long the writer waits, after a line arrives, for others to share its commit. A commit costs
// far more than a line: without the wait, a busy service committed nearly every line alone.
const gatherFor = time.Millisecond

// writer writes the queued entries in groups: a line, and those that arrive within gatherFor of it.
func (l *Log) writer() {
	defer close(l.done)
	timer := time.NewTimer(gatherFor)
	for r := range l.reqs {
		group := []request{r}
		timer.Reset(gatherFor)
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					break more
				}
				group = append(group, r)
			case <-timer.C:
				break more
			}
		}
		timer.Stop()
		es := make([]Entry, len(group))
		for i, g := range group {
			es[i] = g.e
		}
		err := l.st.Append(context.Background(), es)
		if err != nil {
			err = fmt.Errorf("audit write: %w", err)
		}
		for _, g := range group {
			g.done <- err
		}
	}
}

// Index brings the chaveUnica index up to the last line written: Who calls it first, and the daily purge keeps
// it close.
func (l *Log) Index(ctx context.Context) error {
	if err := l.st.Index(ctx); err != nil {
		return fmt.Errorf("audit index: %w", err)
	}
	return nil
}

// Who lists the lines that touched chave's data since `since` (all when zero), oldest first: the answer an
// operator owes a data subject asking who saw their data.
func (l *Log) Who(ctx context.Context, chave string, since time.Time) ([]Entry, error) {
	if err := l.Index(ctx); err != nil {
		return nil, err
	}
	es, err := l.st.Who(ctx, chave, since)
	if err != nil {
		return nil, fmt.Errorf("audit query: %w", err)
	}
	return es, nil
}

// Purge drops the lines older than `before`, keeping the chain checkable: the last dropped line's seq and hash
// become the anchor the remaining lines chain to.
func (l *Log) Purge(ctx context.Context, before time.Time) (int, error) {
	n, err := l.st.Purge(ctx, before)
	if err != nil {
		return 0, fmt.Errorf("audit purge: %w", err)
	}
	return n, nil
}

// Problem is a break of the chain Verify found.
type Problem struct {
	Seq    int64  // the line where the chain breaks
	Reason string // what is wrong (English, for the operator's log and the pt-BR report's detail)
}

// Report is what Verify found.
type Report struct {
	Lines     int       // lines checked
	FirstSeq  int64     // the first line checked (after the retention's anchor)
	LastSeq   int64     // the last line checked
	LastHash  string    // the chain's head: write it down to detect lines removed from the end later
	Problems  []Problem // breaks, in order (empty: the chain holds)
	CheckedAt time.Time
}

// Verify walks the whole record and checks that every line follows the one before it (seq and prev) and that its
// hash is its own: a line removed or edited breaks the chain there. Lines removed from the end leave no break:
// compare LastSeq and LastHash with a head noted earlier.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	rep := Report{CheckedAt: time.Now()}
	var (
		seq  int64
		prev string
	)
	err := l.st.Walk(ctx, func(s int64, h string) { seq, prev = s, h }, func(e Entry) error {
		if rep.Lines == 0 {
			rep.FirstSeq = e.Seq
		}
		rep.Lines++
		switch {
		case e.Seq != seq+1:
			rep.Problems = append(rep.Problems, Problem{e.Seq, fmt.Sprintf("lines %d to %d are missing", seq+1, e.Seq-1)})
		case e.Prev != prev:
			rep.Problems = append(rep.Problems, Problem{e.Seq, "does not follow the line before it (edited or removed)"})
		}
		if !e.Check() {
			rep.Problems = append(rep.Problems, Problem{e.Seq, "its content does not match its hash (edited)"})
		}
		seq, prev = e.Seq, e.Hash
		return nil
	})
	rep.LastSeq, rep.LastHash = seq, prev
	if err != nil {
		return rep, fmt.Errorf("audit verify: %w", err)
	}
	return rep, nil
}
