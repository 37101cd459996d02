package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// ImportOptions tunes an import.
type ImportOptions struct {
	Replace   bool                            // rebuild the directory from the file alone (atomic), instead of upserting
	Progress  func(rows int, bytesRead int64) // called every few thousand rows and at the end; may be nil
	BatchSize int                             // rows per transaction when upserting (default 10,000)
}

// ImportReport is what an import did. Rows = Inserted + Updated + BadTotal.
type ImportReport struct {
	Rows      int           // data rows read (the header excluded)
	Inserted  int           // rows that created a beneficiary
	Updated   int           // rows merged into an existing beneficiary (a re-import, or another contract of one)
	Bad       []BadRow      // rejected rows, in file order (the first MaxBadRows)
	BadTotal  int           // all rejected rows
	Encoding  string        // "UTF-8" or "Windows-1252"
	Delimiter string        // ";" or ","
	Elapsed   time.Duration // wall time of the whole import
}

// BadRow is a rejected row: its line in the file (the header is line 1) and why, in pt-BR.
type BadRow struct {
	Line   int
	Reason string
}

// MaxBadRows is how many bad rows a report lists (BadTotal counts them all).
const MaxBadRows = 100_000

// Encodings an import reports.
const (
	EncodingUTF8    = "UTF-8"
	Encoding1252    = "Windows-1252"
	defaultBatch    = 10_000
	progressEvery   = 10_000
	importSniffSize = 64 << 10
)

// ImportHeaderError is a header that lacks required columns; Error is pt-BR, for the operator.
type ImportHeaderError struct {
	Missing []string
}

func (e *ImportHeaderError) Error() string { return i18n.ImportHeaderMissing(e.Missing) }

// ErrImportEmpty is an import of an empty file.
var ErrImportEmpty = errors.New(i18n.ImportEmptyFile)

// importField is a directory field a CSV column feeds.
type importField int

const (
	fieldIgnored importField = iota
	fieldName
	fieldBirth
	fieldRG
	fieldMatricula
	fieldMother
	fieldContract
	fieldContractDesc
	fieldChave
	fieldCPF
	fieldCard
	fieldPhone
	fieldEmail
	fieldSituation
	fieldCount
)

// importColumns maps folded header names (lower case, no accents, no spaces, "_" or "-") to fields.
//
// Accepted CSV columns (header names compared ignoring case, accents, spaces, "_" and "-"; others are ignored):
//
//	nome                                     name (required)
//	chaveUnica                               Mosia's key; defaults to the CPF
//	cpf                                      11 digits, formatted or not
//	carteirinha | card | cartao              TOTVS card, 17 digits, with or without dots
//	data_nascimento | nascimento             DD/MM/AAAA or AAAA-MM-DD
//	registro_geral | rg
//	id_matricula | matricula
//	nome_mae | mae
//	numero_contrato | contrato
//	contrato_descricao | descricao_contrato
//	telefone | celular                       with or without DDD, any punctuation
//	email | e-mail
//	situacao                                 Ativo, Bloqueado, Bloqueio Futuro
//
// At least one of chaveUnica, cpf and carteirinha is required. One row per (beneficiary, contract): rows of
// the same chaveUnica and card are one beneficiary holding every contract of those rows.
var importColumns = map[string]importField{
	"nome":              fieldName,
	"datanascimento":    fieldBirth,
	"nascimento":        fieldBirth,
	"datadenascimento":  fieldBirth,
	"registrogeral":     fieldRG,
	"rg":                fieldRG,
	"idmatricula":       fieldMatricula,
	"matricula":         fieldMatricula,
	"nomemae":           fieldMother,
	"nomedamae":         fieldMother,
	"mae":               fieldMother,
	"numerocontrato":    fieldContract,
	"contrato":          fieldContract,
	"contratodescricao": fieldContractDesc,
	"descricaocontrato": fieldContractDesc,
	"chaveunica":        fieldChave,
	"cpf":               fieldCPF,
	"carteirinha":       fieldCard,
	"card":              fieldCard,
	"cartao":            fieldCard,
	"telefone":          fieldPhone,
	"celular":           fieldPhone,
	"email":             fieldEmail,
	"situacao":          fieldSituation,
}

// importHeaderName folds a header cell for importColumns.
func importHeaderName(s string) string {
	return strings.ReplaceAll(model.FoldText(strings.TrimPrefix(s, "\ufeff")), " ", "")
}

// importCounter counts the bytes read from the file, for progress.
type importCounter struct {
	r io.Reader
	n atomic.Int64
}

func (c *importCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// importReader reads beneficiaries from a CSV file: encoding, delimiter and columns detected from the start.
type importReader struct {
	src       *bufio.Reader // the file after the header
	counter   *importCounter
	firstLine int     // line of the first record after the header
	cols      [][]int // per field, the columns feeding it (the first non-empty wins)
	ncols     int
	encoding  string
	delim     string
	lenient   bool // a UTF-8 file: fields that are not valid UTF-8 are read as Windows-1252
}

// newImportReader sniffs the file and reads its header.
func newImportReader(r io.Reader) (*importReader, error) {
	counter := &importCounter{r: r}
	br := bufio.NewReaderSize(counter, 1<<20)
	head, err := br.Peek(importSniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("import: read: %w", err)
	}
	ir := &importReader{src: br, counter: counter, encoding: EncodingUTF8}
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
		head = head[3:]
	} else if !importValidUTF8(head, len(head) == importSniffSize) {
		ir.encoding = Encoding1252
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, ErrImportEmpty
	}
	ir.delim = importDelimiter(head)
	ir.lenient = ir.encoding == EncodingUTF8
	// the header: the first record, read alone so the rest can be split into runs of records (see importRun)
	n := len(head)
	if end := importRecordEnd(head, ir.delim[0]); end > 0 {
		n = end
	}
	header, err := importCSV(ir.decode(head[:n]), ir.delim[0]).Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrImportEmpty
		}
		return nil, fmt.Errorf("import: header: %w", err)
	}
	ir.firstLine = 1 + bytes.Count(head[:n], []byte{'\n'})
	if _, err := br.Discard(n); err != nil {
		return nil, fmt.Errorf("import: read: %w", err)
	}
	ir.ncols = len(header)
	ir.cols = make([][]int, fieldCount)
	for i, h := range header {
		if f, ok := importColumns[importHeaderName(ir.text(h))]; ok {
			ir.cols[f] = append(ir.cols[f], i)
		}
	}
	var missing []string
	if len(ir.cols[fieldName]) == 0 {
		missing = append(missing, "nome")
	}
	if len(ir.cols[fieldChave])+len(ir.cols[fieldCPF])+len(ir.cols[fieldCard]) == 0 {
		missing = append(missing, i18n.ImportKeyOrColumns)
	}
	if missing != nil {
		return nil, &ImportHeaderError{Missing: missing}
	}
	return ir, nil
}

// importCSV reads the records of b as an import does: any number of fields, quotes read leniently.
func importCSV(b []byte, comma byte) *csv.Reader {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr
}

// decode returns raw bytes of the file as UTF-8 (a Windows-1252 file is converted; the delimiters, quotes
// and line ends are the same bytes in both).
func (ir *importReader) decode(raw []byte) []byte {
	if ir.encoding != Encoding1252 {
		return raw
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil { // every byte is a Windows-1252 character: this cannot happen
		return raw
	}
	return out
}

// importRecordsEnd returns where the last whole record of b ends (just past its line end), b starting at a
// record; 0 when b holds no whole record. Records are split as encoding/csv splits them with LazyQuotes:
// a field starting with a quote runs to the next quote followed by the delimiter or the line end ("" is a
// quote inside it), and may span lines; any other quote is a character.
func importRecordsEnd(b []byte, comma byte) int {
	q := bytes.IndexByte(b, '"')
	if q < 0 {
		return bytes.LastIndexByte(b, '\n') + 1
	}
	end := bytes.LastIndexByte(b[:q], '\n') + 1 // the lines before the first quote are whole records
	for end < len(b) {
		n := importRecordEnd(b[end:], comma)
		if n < 0 {
			break
		}
		end += n
	}
	return end
}

// importRecordEnd returns the length of the record b starts with, its line end included; -1 when b ends
// before the record does.
func importRecordEnd(b []byte, comma byte) int {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return -1
	}
	if bytes.IndexByte(b[:nl], '"') < 0 {
		return nl + 1
	}
	i := 0 // the start of a field
	for {
		if i < len(b) && b[i] == '"' {
			i++
		quoted:
			for {
				q := bytes.IndexByte(b[i:], '"')
				if q < 0 {
					return -1
				}
				i += q + 1
				switch {
				case i >= len(b), b[i] == '\r' && i+1 >= len(b):
					return -1 // what follows the quote decides
				case b[i] == '"':
					i++
				case b[i] == comma:
					i++
					break quoted
				case b[i] == '\n':
					return i + 1
				case b[i] == '\r' && b[i+1] == '\n':
					return i + 2
				}
			}
			continue
		}
		for i < len(b) && b[i] != comma && b[i] != '\n' {
			i++
		}
		switch {
		case i >= len(b):
			return -1
		case b[i] == '\n':
			return i + 1
		}
		i++
	}
}

// importValidUTF8 reports whether b is UTF-8, ignoring a rune cut at the end of a partial read.
func importValidUTF8(b []byte, partial bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if !partial {
		return false
	}
	for cut := 1; cut < utf8.UTFMax && cut < len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}

// importDelimiter picks ";" or "," by counting them on the header line, outside quotes.
func importDelimiter(head []byte) string {
	semi, comma, quoted := 0, 0, false
	for _, c := range head {
		if c == '\n' && !quoted {
			break
		}
		switch c {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				semi++
			}
		case ',':
			if !quoted {
				comma++
			}
		}
	}
	if comma > semi {
		return ","
	}
	return ";"
}

// text returns a field as valid UTF-8 (a stray Windows-1252 field of a UTF-8 file is decoded), trimmed.
func (ir *importReader) text(s string) string {
	if ir.lenient && !utf8.ValidString(s) {
		if dec, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			s = dec
		}
	}
	return strings.TrimSpace(s)
}

func (ir *importReader) field(rec []string, f importField) string {
	for _, i := range ir.cols[f] {
		if i < len(rec) {
			if v := ir.text(rec[i]); v != "" {
				return v
			}
		}
	}
	return ""
}

// importRec is one CSV row as read: its fields, line, and why it is bad when it cannot even be split.
type importRec struct {
	fields []string
	line   int
	reason string
}

// convert turns a row into a normalised beneficiary with at most one contract, or the reason (pt-BR) it is
// bad. It only reads ir, so rows may be converted concurrently.
func (ir *importReader) convert(r importRec) (b model.Beneficiary, reason string) {
	if r.reason != "" {
		return b, r.reason
	}
	rec := r.fields
	if len(rec) != ir.ncols && !importOnlyEmptyExtra(rec, ir.ncols) {
		return b, i18n.ImportColumnCount(len(rec), ir.ncols)
	}
	b = model.Beneficiary{
		Name:        ir.field(rec, fieldName),
		RG:          ir.field(rec, fieldRG),
		IDMatricula: ir.field(rec, fieldMatricula),
		MotherName:  ir.field(rec, fieldMother),
		Email:       ir.field(rec, fieldEmail),
		Situation:   ir.field(rec, fieldSituation),
		Phone:       ir.field(rec, fieldPhone),
		ChaveUnica:  ir.field(rec, fieldChave),
	}
	if b.Name == "" {
		return b, i18n.ImportNoName
	}
	if v := ir.field(rec, fieldCPF); v != "" {
		if b.CPF = model.Digits(v); len(b.CPF) != 11 || strings.ContainsFunc(v, importLetter) {
			return b, i18n.ImportBadCPF(v)
		}
	}
	if v := ir.field(rec, fieldCard); v != "" {
		c, ok := model.NormalizeCard(v)
		if !ok {
			return b, i18n.ImportBadCard(v)
		}
		b.Card = c
	}
	if b.ChaveUnica == "" && b.CPF == "" && b.Card == "" {
		return b, i18n.ImportNoKey
	}
	if v := ir.field(rec, fieldBirth); v != "" {
		t, ok := model.ParseDate(v)
		if !ok {
			return b, i18n.ImportBadDate(v)
		}
		b.BirthDate = t.Format("2006-01-02")
	}
	if n := ir.field(rec, fieldContract); n != "" {
		b.Contracts = []model.ContractRef{{Number: n, Description: ir.field(rec, fieldContractDesc)}}
	}
	nb, err := dirNormalize(b)
	if err != nil {
		return b, i18n.ImportNoKey
	}
	return nb, ""
}

func importLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

// importOnlyEmptyExtra accepts rows with trailing empty columns (spreadsheets add them).
func importOnlyEmptyExtra(rec []string, n int) bool {
	if len(rec) < n {
		return false
	}
	for _, f := range rec[n:] {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// importChunkSize is how much of the file a converter of importRun's pipeline takes at once.
const importChunkSize = 256 << 10

// importBatch is a run of whole records of the file: cut by the reader, split and converted by a
// converter, kept by importRun in order.
type importBatch struct {
	raw     []byte // the records as in the file
	line    int    // the line raw starts on
	nlines  int    // how many lines raw has
	lines   []int
	bens    []model.Beneficiary
	reasons []string
	done    chan struct{} // closed once converted
}

// convertAll splits the batch's records and converts them.
func (ir *importReader) convertAll(bt *importBatch) {
	cr := importCSV(ir.decode(bt.raw), ir.delim[0])
	cr.ReuseRecord = true
	bt.lines = make([]int, 0, bt.nlines+1)
	bt.bens = make([]model.Beneficiary, 0, bt.nlines+1)
	bt.reasons = make([]string, 0, bt.nlines+1)
	for {
		var r importRec
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			r = importRec{line: pe.StartLine, reason: i18n.ImportMalformed(pe.Err.Error())}
		case err != nil: // reading memory: only a parse error can happen
			bt.lines = append(bt.lines, bt.line)
			bt.bens = append(bt.bens, model.Beneficiary{})
			bt.reasons = append(bt.reasons, i18n.ImportMalformed(err.Error()))
			return
		default:
			r.fields = rec
			r.line, _ = cr.FieldPos(0)
		}
		r.line += bt.line - 1
		b, reason := ir.convert(r)
		bt.lines = append(bt.lines, r.line)
		bt.bens = append(bt.bens, b)
		bt.reasons = append(bt.reasons, reason)
	}
}

// importRun reads every row, handing good ones to keep in file order and recording bad ones. One
// goroutine cuts the file into runs of whole records, two split and convert them (the costly part), and
// this one keeps them.
func importRun(ctx context.Context, r io.Reader, opts ImportOptions, rep *ImportReport,
	keep func(b model.Beneficiary) error) error {
	ir, err := newImportReader(r)
	if err != nil {
		return err
	}
	rep.Encoding, rep.Delimiter = ir.encoding, ir.delim
	stop := make(chan struct{})
	defer close(stop)
	ordered := make(chan *importBatch, 8)
	work := make(chan *importBatch, 8)
	var readErr error
	go func() { // reader
		defer close(ordered)
		defer close(work)
		var rest []byte // the start of a record the last read cut
		line := ir.firstLine
		for {
			buf := make([]byte, max(importChunkSize, 2*len(rest)))
			k := copy(buf, rest)
			n, err := io.ReadFull(ir.src, buf[k:])
			buf = buf[:k+n]
			eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
			if err != nil && !eof {
				readErr = err
				return
			}
			cut := len(buf)
			if !eof {
				cut = importRecordsEnd(buf, ir.delim[0])
			}
			rest = buf[cut:]
			if cut > 0 {
				bt := &importBatch{raw: buf[:cut:cut], line: line, done: make(chan struct{})}
				bt.nlines = bytes.Count(bt.raw, []byte{'\n'})
				line += bt.nlines
				for _, ch := range []chan *importBatch{work, ordered} {
					select {
					case ch <- bt:
					case <-stop:
						return
					}
				}
			}
			if eof {
				return
			}
		}
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
		for i, line := range bt.lines {
			rep.Rows++
			if reason := bt.reasons[i]; reason != "" {
				rep.BadTotal++
				if len(rep.Bad) < MaxBadRows {
					rep.Bad = append(rep.Bad, BadRow{Line: line, Reason: reason})
				}
			} else if err := keep(bt.bens[i]); err != nil {
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
	}
	if readErr != nil { // set before ordered was closed
		return fmt.Errorf("import: read: %w", readErr)
	}
	if opts.Progress != nil {
		opts.Progress(rep.Rows, ir.counter.n.Load())
	}
	return nil
}

// A new directory's rows are counted in advance from the file's size: about importRowBytes a row (a
// Protheus export has 200 to 250), never more than importMaxHint.
const (
	importRowBytes = 200
	importMaxHint  = 10_000_000
)

// dirRebuildMin is the smallest import that may rebuild the directory instead of upserting row by row.
const dirRebuildMin = 10_000

// Import loads a CSV export of beneficiaries (columns: see importColumns) into the directory. With Replace
// — or into an empty directory — the directory becomes the file's content alone. Otherwise rows are
// upserted: a small file row by row in batches of BatchSize (readers see each committed batch), a big one
// (at least 10,000 rows and a quarter of the directory, like a daily full export) by rebuilding the
// directory merged with the file, much faster. Either way re-importing a file changes nothing, and a
// rebuild is swapped in with one write, so readers see the old directory or the new one, never a mix.
// Bad rows are reported with their line and never stop the good ones.
func (d *Directory) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportReport, error) {
	start := time.Now()
	var rep ImportReport
	bk := newDirBulk()
	err := importRun(ctx, r, opts, &rep, func(b model.Beneficiary) error {
		bk.add(b)
		return nil
	})
	if err == nil {
		err = d.importCollected(ctx, bk, opts, &rep)
	}
	rep.Elapsed = time.Since(start)
	return rep, err
}

// importCollected writes the rows an import read, choosing replace, rebuild or row-by-row upsert.
func (d *Directory) importCollected(ctx context.Context, bk *dirBulk, opts ImportOptions, rep *ImportReport) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	n, err := d.Count(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	switch {
	case opts.Replace || n == 0:
		for _, p := range bk.rows {
			rep.Inserted++
			rep.Updated += p.rows - 1
		}
		return d.installLocked(ctx, bk)
	case len(bk.rows) >= dirRebuildMin && 4*len(bk.rows) >= n:
		merged := newDirBulk()
		if err := d.loadAllInto(ctx, merged); err != nil {
			return fmt.Errorf("import: read directory: %w", err)
		}
		for _, p := range bk.rows {
			if merged.addPending(*p) {
				rep.Updated += p.rows
			} else {
				rep.Inserted++
				rep.Updated += p.rows - 1
			}
		}
		return d.installLocked(ctx, merged)
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = defaultBatch
	}
	for i := 0; i < len(bk.rows); i += batch {
		ps := bk.rows[i:min(i+batch, len(bk.rows))]
		existed, err := d.writeBatchLocked(ctx, ps)
		if err != nil {
			return fmt.Errorf("import: write: %w", err)
		}
		for j, p := range ps {
			if existed[j] {
				rep.Updated += p.rows
			} else {
				rep.Inserted++
				rep.Updated += p.rows - 1
			}
		}
	}
	return nil
}

// ImportFile imports the CSV at csvPath into the directory file at dbPath (see Directory.Import). A new
// or empty directory, and Replace, are built in a new file next to dbPath and swapped in atomically.
func ImportFile(ctx context.Context, dbPath, csvPath string, opts ImportOptions) (ImportReport, error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import %s: %w", csvPath, err)
	}
	defer f.Close()
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) {
		start := time.Now()
		var rep ImportReport
		hint := 0
		if st, err := f.Stat(); err == nil {
			hint = int(min(st.Size()/importRowBytes, importMaxHint))
		}
		bk := newDirBulkSized(hint)
		err := importRun(ctx, f, opts, &rep, func(b model.Beneficiary) error {
			if bk.add(b) {
				rep.Updated++
			} else {
				rep.Inserted++
			}
			return nil
		})
		if err == nil {
			err = dirBuildInstall(ctx, dbPath, bk)
		}
		rep.Elapsed = time.Since(start)
		if err != nil {
			return rep, fmt.Errorf("import %s: %w", csvPath, err)
		}
		return rep, nil
	}
	d, err := OpenDirectory(dbPath)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import %s: %w", csvPath, err)
	}
	rep, err := d.Import(ctx, f, opts)
	if cerr := d.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", csvPath, err)
	}
	return rep, nil
}
