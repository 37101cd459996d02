package csvimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// sniffSize is how much of the file's start decides its encoding and delimiter.
const sniffSize = 64 << 10

// field is a directory field a CSV column feeds.
type field int

const (
	fieldIgnored field = iota
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

// columns maps folded header names (lower case, no accents, no spaces, "_" or "-") to fields.
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
var columns = map[string]field{
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

// headerName folds a header cell for columns.
func headerName(s string) string {
	return strings.ReplaceAll(model.FoldText(strings.TrimPrefix(s, "\ufeff")), " ", "")
}

// counter counts the bytes read from the file, for progress.
type counter struct {
	r io.Reader
	n atomic.Int64
}

// Read reads from the file, counting the bytes.
func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Limits of a row: a longer cell (of a column the import reads), name or record makes the row bad. A record
// over maxRecord is skipped as it is read, never held whole (a quote left open can make the rest of a file
// one record).
const (
	maxCell      = 1 << 10 // bytes
	maxNameRunes = 200
	maxRecord    = 1 << 20 // bytes
)

// reader reads beneficiaries from a CSV file: encoding, delimiter and columns detected from the start.
type reader struct {
	src       *bufio.Reader // the file after the header
	counter   *counter
	firstLine int     // line of the first record after the header
	cols      [][]int // per field, the columns feeding it (the first non-empty wins)
	header    []string
	ncols     int
	encoding  string
	delim     string
	lenient   bool // a UTF-8 file: fields that are not valid UTF-8 are read as Windows-1252
}

// newReader sniffs the file and reads its header.
func newReader(r io.Reader) (*reader, error) {
	c := &counter{r: r}
	br := bufio.NewReaderSize(c, 1<<20)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("import: read: %w", err)
	}
	ir := &reader{src: br, counter: c, encoding: EncodingUTF8}
	if enc, dec := utf16Of(head); dec != nil { // decoded to UTF-8 as it is read; the counter counts the file's bytes
		ir.encoding = enc
		br = bufio.NewReaderSize(transform.NewReader(br, dec.NewDecoder()), 1<<20)
		ir.src = br
		if head, err = br.Peek(sniffSize); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("import: read: %w", err)
		}
	} else if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
		head = head[3:]
	} else if !validUTF8(head, len(head) == sniffSize) {
		ir.encoding = Encoding1252
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, ErrEmpty
	}
	ir.delim = delimiter(head)
	ir.lenient = ir.encoding == EncodingUTF8
	// the header: the first record, read alone so the rest can be split into runs of records (see run)
	n := len(head)
	if end := recordEnd(head, ir.delim[0]); end > 0 {
		n = end
	} else if len(head) == sniffSize {
		return nil, ErrLongHeader
	}
	header, err := csvReader(ir.decode(head[:n]), ir.delim[0]).Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrEmpty
		}
		return nil, fmt.Errorf("import: header: %w", err)
	}
	ir.firstLine = 1 + bytes.Count(head[:n], []byte{'\n'})
	if _, err := br.Discard(n); err != nil {
		return nil, fmt.Errorf("import: read: %w", err)
	}
	if err := ir.mapHeader(header); err != nil {
		return nil, err
	}
	return ir, nil
}

// mapHeader maps the header's columns to fields, failing with a HeaderError when required ones are missing.
func (ir *reader) mapHeader(header []string) error {
	ir.ncols = len(header)
	ir.cols = make([][]int, fieldCount)
	ir.header = make([]string, len(header))
	for i, h := range header {
		ir.header[i] = ir.text(h)
		if f, ok := columns[headerName(ir.text(h))]; ok {
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
		return &HeaderError{Missing: missing}
	}
	return nil
}

// csvReader reads the records of b as an import does: any number of fields, quotes read leniently.
func csvReader(b []byte, comma byte) *csv.Reader {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr
}

// decode returns raw bytes of the file as UTF-8 (a Windows-1252 file is converted; the delimiters, quotes
// and line ends are the same bytes in both).
func (ir *reader) decode(raw []byte) []byte {
	if ir.encoding != Encoding1252 {
		return raw
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil { // every byte is a Windows-1252 character: this cannot happen
		return raw
	}
	return out
}

// utf16Of recognises a UTF-16 file by its byte order mark, or, without one, by the zero bytes of its ASCII
// characters (a CSV's header is ASCII), and returns its name and decoding (nil for any other file).
func utf16Of(head []byte) (string, encoding.Encoding) {
	le := func(bom unicode.BOMPolicy) encoding.Encoding { return unicode.UTF16(unicode.LittleEndian, bom) }
	be := func(bom unicode.BOMPolicy) encoding.Encoding { return unicode.UTF16(unicode.BigEndian, bom) }
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return EncodingUTF16LE, le(unicode.ExpectBOM)
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return EncodingUTF16BE, be(unicode.ExpectBOM)
	}
	sample := head[:min(len(head), 4096)&^1]
	if len(sample) < 4 {
		return "", nil
	}
	var even, odd int
	for i := 0; i < len(sample); i += 2 {
		if sample[i] == 0 {
			even++
		}
		if sample[i+1] == 0 {
			odd++
		}
	}
	half := len(sample) / 2
	switch {
	case odd > half/2 && even == 0:
		return EncodingUTF16LE, le(unicode.IgnoreBOM)
	case even > half/2 && odd == 0:
		return EncodingUTF16BE, be(unicode.IgnoreBOM)
	}
	return "", nil
}

// validUTF8 reports whether b is UTF-8, ignoring a rune cut at the end of a partial read.
func validUTF8(b []byte, partial bool) bool {
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

// delimiter picks ";" or "," by counting them on the header line, outside quotes.
func delimiter(head []byte) string {
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
func (ir *reader) text(s string) string {
	if ir.lenient && !utf8.ValidString(s) {
		if dec, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			s = dec
		}
	}
	return strings.TrimSpace(s)
}

func (ir *reader) field(rec []string, f field) string {
	for _, i := range ir.cols[f] {
		if i < len(rec) {
			if v := ir.text(rec[i]); v != "" {
				return v
			}
		}
	}
	return ""
}

// record is one CSV row as read: its fields, line, and why it is bad when it cannot even be split.
type record struct {
	fields []string
	line   int
	reason string
}

// convert turns a row into a normalised beneficiary with at most one contract, or the reason (pt-BR) it is
// bad. It only reads ir, so rows may be converted concurrently.
func (ir *reader) convert(r record) (b model.Beneficiary, reason string) {
	if r.reason != "" {
		return b, r.reason
	}
	rec := r.fields
	if len(rec) != ir.ncols && !onlyEmptyExtra(rec, ir.ncols) {
		return b, i18n.ImportColumnCount(len(rec), ir.ncols)
	}
	if reason := ir.tooLong(rec); reason != "" {
		return b, reason
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
	if n := utf8.RuneCountInString(b.Name); n > maxNameRunes {
		return b, i18n.ImportNameTooLong(n, maxNameRunes)
	}
	if reason := ir.identifiers(rec, &b); reason != "" {
		return b, reason
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
	nb, err := directory.Normalize(b)
	if err != nil {
		return b, i18n.ImportNoKey
	}
	return nb, ""
}

// tooLong says why a row is bad when a cell of a column the import reads is over maxCell, else "".
func (ir *reader) tooLong(rec []string) string {
	for _, cols := range ir.cols {
		for _, i := range cols {
			if i < len(rec) && len(rec[i]) > maxCell {
				return i18n.ImportCellTooLong(ir.header[i], len(rec[i]), maxCell)
			}
		}
	}
	return ""
}

// identifiers reads a row's CPF and card into b, or says why the row is bad (pt-BR), also when it has no key.
func (ir *reader) identifiers(rec []string, b *model.Beneficiary) (reason string) {
	if v := ir.field(rec, fieldCPF); v != "" {
		if b.CPF = model.Digits(v); len(b.CPF) != 11 || strings.ContainsFunc(v, letter) {
			return i18n.ImportBadCPF(v)
		}
	}
	if v := ir.field(rec, fieldCard); v != "" {
		c, ok := model.NormalizeCard(v)
		if !ok {
			return i18n.ImportBadCard(v)
		}
		b.Card = c
	}
	if b.ChaveUnica == "" && b.CPF == "" && b.Card == "" {
		return i18n.ImportNoKey
	}
	return ""
}

func letter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

// onlyEmptyExtra accepts rows with trailing empty columns (spreadsheets add them).
func onlyEmptyExtra(rec []string, n int) bool {
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
