package csvimport

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
)

// chunkSize is how much of the file a converter of run's pipeline takes at once.
const chunkSize = 256 << 10

// progressEvery is how many rows go between two progress calls (and checks of the context).
const progressEvery = 10_000

// batch is a run of whole records of the file: cut by the reader, split and converted by a converter, kept
// by run in order.
type batch struct {
	raw     []byte // the records as in the file
	line    int    // the line raw starts on
	nlines  int    // how many lines raw has
	tooLong bool   // raw is nil: one record over maxRecord was skipped
	lines   []int
	rows    []directory.Row // the good rows, prepared for the build (see directory.NewRow)
	reasons []string
	done    chan struct{} // closed once converted
}

// convertAll splits the batch's records and converts them.
func (ir *reader) convertAll(bt *batch) {
	if bt.tooLong {
		bt.lines, bt.rows = []int{bt.line}, []directory.Row{{}}
		bt.reasons = []string{i18n.ImportRecordTooLong(maxRecord, maxCell)}
		return
	}
	cr := csvReader(ir.decode(bt.raw), ir.delim[0])
	cr.ReuseRecord = true
	bt.lines = make([]int, 0, bt.nlines+1)
	bt.rows = make([]directory.Row, 0, bt.nlines+1)
	bt.reasons = make([]string, 0, bt.nlines+1)
	for {
		var r record
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			r = record{line: pe.StartLine, reason: i18n.ImportMalformed(pe.Err.Error())}
		case err != nil: // reading memory: only a parse error can happen
			bt.lines = append(bt.lines, bt.line)
			bt.rows = append(bt.rows, directory.Row{})
			bt.reasons = append(bt.reasons, i18n.ImportMalformed(err.Error()))
			return
		default:
			r.fields = rec
			r.line, _ = cr.FieldPos(0)
		}
		r.line += bt.line - 1
		b, reason := ir.convert(r)
		bt.lines = append(bt.lines, r.line)
		var row directory.Row
		if reason == "" {
			row = directory.NewRow(&b)
		}
		bt.rows = append(bt.rows, row)
		bt.reasons = append(bt.reasons, reason)
	}
}

// run reads every row, handing good ones to keep in file order and recording bad ones in rep. One goroutine
// cuts the file into runs of whole records (cut), two split and convert them (the costly part), and this one
// keeps them.
func run(ctx context.Context, r io.Reader, opts Options, rep *Report, keep func(r directory.Row, line int) error) error {
	ir, err := newReader(r)
	if err != nil {
		return err
	}
	rep.Encoding, rep.Delimiter = ir.encoding, ir.delim
	stop := make(chan struct{})
	defer close(stop)
	ordered := make(chan *batch, 8)
	work := make(chan *batch, 8)
	var readErr error
	go func() {
		defer close(ordered) // after readErr is set
		defer close(work)
		readErr = ir.cut(ordered, work, stop)
	}()
	for range 2 { // converters
		go func() {
			for bt := range work {
				ir.convertAll(bt)
				bt.raw = nil
				close(bt.done)
			}
		}()
	}
	for bt := range ordered {
		<-bt.done
		if err := ir.keepBatch(ctx, bt, opts, rep, keep); err != nil {
			return err
		}
	}
	if readErr != nil { // set before ordered was closed
		return fmt.Errorf("import: read: %w", readErr)
	}
	if opts.Progress != nil {
		opts.Progress(rep.Rows, ir.counter.n.Load())
	}
	return nil
}

// cut reads the file in runs of whole records, handing each to a converter (work) and, in file order, to
// run (ordered), until the file ends, a read fails or stop is closed. A record longer than maxRecord is
// skipped as it is read and handed on as a bad row.
func (ir *reader) cut(ordered, work chan<- *batch, stop <-chan struct{}) error {
	var rest []byte // the start of a record the last read cut
	line := ir.firstLine
	send := func(bt *batch) bool {
		for _, ch := range []chan<- *batch{work, ordered} {
			select {
			case ch <- bt:
			case <-stop:
				return false
			}
		}
		return true
	}
	for {
		buf := make([]byte, max(chunkSize, 2*len(rest)))
		k := copy(buf, rest)
		n, err := io.ReadFull(ir.src, buf[k:])
		buf = buf[:k+n]
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return err
		}
		end := recordsEnd(buf, ir.delim[0])
		if eof && len(buf)-end <= maxRecord {
			end = len(buf) // the last record, without its line end
		}
		rest = buf[end:]
		if end > 0 {
			bt := &batch{raw: buf[:end:end], line: line, done: make(chan struct{})}
			bt.nlines = bytes.Count(bt.raw, []byte{'\n'})
			line += bt.nlines
			if !send(bt) {
				return nil
			}
		}
		if len(rest) > maxRecord {
			bt := &batch{line: line, tooLong: true, done: make(chan struct{})}
			if rest, bt.nlines, err = ir.skipRecord(rest, eof); err != nil {
				return err
			}
			line += bt.nlines
			if !send(bt) {
				return nil
			}
			eof = eof || rest == nil
		}
		if eof && len(rest) == 0 {
			return nil
		}
	}
}

// skipRecord reads on past the record that start begins, without keeping it, and returns what follows it
// (nil at the file's end) and how many line ends it held.
func (ir *reader) skipRecord(start []byte, eof bool) (after []byte, nlines int, err error) {
	s := recordScan{comma: ir.delim[0]}
	chunk := start
	buf := make([]byte, chunkSize)
	for {
		end := s.feed(chunk)
		if end >= 0 {
			nlines += bytes.Count(chunk[:end], []byte{'\n'})
			return slices.Clone(chunk[end:]), nlines, nil
		}
		nlines += bytes.Count(chunk, []byte{'\n'})
		if eof {
			return nil, nlines, nil
		}
		n, rerr := io.ReadFull(ir.src, buf)
		chunk = buf[:n]
		switch {
		case errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF):
			eof = true
		case rerr != nil:
			return nil, nlines, rerr
		}
	}
}

// keepBatch records a converted batch's rows in rep, handing the good ones to keep, and reports progress.
func (ir *reader) keepBatch(ctx context.Context, bt *batch, opts Options, rep *Report, keep func(directory.Row, int) error) error {
	for i, line := range bt.lines {
		rep.Rows++
		if reason := bt.reasons[i]; reason != "" {
			rep.BadTotal++
			if len(rep.Bad) < MaxBadRows {
				rep.Bad = append(rep.Bad, BadRow{Line: line, Reason: reason})
			}
		} else if err := keep(bt.rows[i], line); err != nil {
			return err
		}
		if rep.Rows%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if opts.Progress != nil {
				opts.Progress(rep.Rows, ir.counter.n.Load())
			}
		}
	}
	return nil
}
