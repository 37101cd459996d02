package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/pgsql"
)

// A publication ships the importer's built directory files too (directory.Export): chunks of a few MB in
// directory_file_chunks, written before the generation is bumped, and their description (layout version,
// sizes, SHA-256) in directory_files, written in the bump's transaction. An instance downloads them into
// temporary files beside its directory (directory.Receiver), checks them and swaps them in, instead of
// rebuilding its index from the records — several times faster. The records stay the source of truth: files
// that are missing, of another layout version (a fleet in a rolling upgrade) or that do not check out are
// never used, and the instance rebuilds from the records instead. Only the current generation's files are
// kept.

// filesSchema is step 2 of the directory part: the generations' files. The chunks are stored uncompressed
// (STORAGE EXTERNAL): a directory file hardly compresses, and compressing costs the import and every refresh.
const filesSchema = `
CREATE TABLE directory_files (
	generation    bigint PRIMARY KEY,
	layout        text   NOT NULL,
	base          text   NOT NULL,
	beneficiaries bigint NOT NULL,
	db_size       bigint NOT NULL,
	db_sha256     text   NOT NULL,
	index_size    bigint NOT NULL,
	index_sha256  text   NOT NULL
);
CREATE TABLE directory_file_chunks (
	generation bigint  NOT NULL,
	file       text    NOT NULL,
	chunk      integer NOT NULL,
	data       bytea   NOT NULL,
	PRIMARY KEY (generation, file, chunk)
);
ALTER TABLE directory_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;`

// shipFiles turns the files' shipping off (benchmarks compare both ways): errFilesOff.
var shipFiles = true

var errFilesOff = errors.New("fleet: shipping the directory's files is turned off")

// chunkSize is how many bytes of a file one chunk holds (tests make it small).
var chunkSize = 4 << 20

// The files of a generation, as directory_file_chunks names them.
const (
	fileDB    = "db"
	fileIndex = "index"
)

// fileSet describes a generation's shipped files (a directory_files row).
type fileSet struct {
	Generation    int64
	Layout        string
	Base          string
	Beneficiaries int64
	DBSize        int64
	DBSum         string
	IndexSize     int64
	IndexSum      string
}

// ErrNoFiles means the generation's files are not in the database (published without them, or superseded).
var ErrNoFiles = errors.New("fleet: no files for this generation")

// ErrFilesUnusable means the generation's files cannot be used here: another layout version, or they do not
// check out (size, checksum, content). The instance rebuilds from the records instead.
var ErrFilesUnusable = errors.New("fleet: the generation's files cannot be used")

// testHook, when set (by tests), runs at named points of a download; a crash test's helper process stops there.
var testHook func(point string)

func hook(point string) {
	if testHook != nil {
		testHook(point)
	}
}

// uploadFiles writes the files of src into directory_file_chunks as generation number's, replacing what an
// interrupted publication of that number left. It returns their description (without the generation's row,
// written with the bump) and the bytes written; errors of src's files are directory.ErrNotWhole.
func uploadFiles(ctx context.Context, pool *pgsql.Pool, number int64, src *directory.Directory) (fileSet, int64, error) {
	var set fileSet
	var bytes int64
	err := src.Export(ctx, func(fs directory.Files) error {
		set = fileSet{Generation: number, Layout: fs.Version.String(), Base: fs.Base,
			Beneficiaries: int64(fs.Beneficiaries)}
		if _, err := pool.Exec(ctx, `DELETE FROM directory_file_chunks WHERE generation >= $1`, number); err != nil {
			return err
		}
		cs := &chunkSource{generation: number}
		if err := cs.open(fs.DB, fs.Index); err != nil {
			return fmt.Errorf("%w: %w", directory.ErrNotWhole, err)
		}
		defer cs.close()
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{"directory_file_chunks"},
			[]string{"generation", "file", "chunk", "data"}, cs); err != nil {
			return err
		}
		set.DBSize, set.DBSum = cs.size[0], hex.EncodeToString(cs.sum[0].Sum(nil))
		set.IndexSize, set.IndexSum = cs.size[1], hex.EncodeToString(cs.sum[1].Sum(nil))
		bytes = cs.size[0] + cs.size[1]
		return nil
	})
	return set, bytes, err
}

// chunkSource feeds COPY with the chunks of the database file, then the index file's, hashing them.
type chunkSource struct {
	generation int64
	files      [2]*os.File
	size       [2]int64
	sum        [2]hash.Hash
	cur, chunk int
	buf        []byte
	n          int
	err        error
}

func (s *chunkSource) open(db, ix string) error {
	for i, p := range []string{db, ix} {
		f, err := os.Open(p)
		if err != nil {
			s.close()
			return err
		}
		s.files[i], s.sum[i] = f, sha256.New()
	}
	s.buf = make([]byte, chunkSize)
	return nil
}

func (s *chunkSource) close() {
	for _, f := range s.files {
		if f != nil {
			_ = f.Close()
		}
	}
}

// Next reads the next chunk (pgx encodes each row before asking for the next, so one buffer serves).
func (s *chunkSource) Next() bool {
	for s.cur < len(s.files) {
		n, err := io.ReadFull(s.files[s.cur], s.buf)
		if n > 0 {
			s.n = n
			s.sum[s.cur].Write(s.buf[:n])
			s.size[s.cur] += int64(n)
			return true
		}
		if err != nil && !errors.Is(err, io.EOF) {
			s.err = err
			return false
		}
		s.cur, s.chunk = s.cur+1, 0
	}
	return false
}

func (s *chunkSource) Values() ([]any, error) {
	name := fileDB
	if s.cur == 1 {
		name = fileIndex
	}
	v := []any{s.generation, name, s.chunk, s.buf[:s.n]}
	s.chunk++
	return v, nil
}

func (s *chunkSource) Err() error { return s.err }

// insertFileSet records a generation's files (in the bump's transaction).
func insertFileSet(ctx context.Context, tx pgx.Tx, set fileSet) error {
	_, err := tx.Exec(ctx, `INSERT INTO directory_files (generation, layout, base, beneficiaries, db_size, db_sha256,
		index_size, index_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, set.Generation, set.Layout, set.Base,
		set.Beneficiaries, set.DBSize, set.DBSum, set.IndexSize, set.IndexSum)
	return err
}

// dropOldFiles deletes the files of the generations before current (best effort: the next publication tries
// again). An instance still downloading one keeps its snapshot of them until its read ends.
func dropOldFiles(ctx context.Context, pool *pgsql.Pool, current int64) {
	_ = pgsql.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM directory_files WHERE generation < $1`, current); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM directory_file_chunks WHERE generation < $1`, current)
		return err
	})
}

// Download brings dst to generation g from its shipped files: they are streamed into temporary files beside
// dst's (0600), checked (layout version, sizes, SHA-256, then the content itself) and swapped in as a local
// build would be, the old content serving meanwhile. ErrNoFiles when the generation has none, ErrFilesUnusable
// when they cannot be used; either way dst is as it was.
func Download(ctx context.Context, pool *pgsql.Pool, g Generation, dst *directory.Directory) (RebuildReport, error) {
	rep := RebuildReport{Generation: g, Via: ViaDownload}
	start := time.Now()
	var set fileSet
	err := pool.QueryRow(ctx, `SELECT generation, layout, base, beneficiaries, db_size, db_sha256, index_size,
		index_sha256 FROM directory_files WHERE generation = $1`, g.Number).Scan(&set.Generation, &set.Layout,
		&set.Base, &set.Beneficiaries, &set.DBSize, &set.DBSum, &set.IndexSize, &set.IndexSum)
	if errors.Is(err, pgx.ErrNoRows) {
		return rep, fmt.Errorf("directory download %d: %w", g.Number, ErrNoFiles)
	}
	if err != nil {
		return rep, fmt.Errorf("directory download %d: %w", g.Number, err)
	}
	if want := directory.CurrentVersion().String(); set.Layout != want {
		return rep, fmt.Errorf("directory download %d: files of layout %s, this build reads %s: %w", g.Number,
			set.Layout, want, ErrFilesUnusable)
	}
	if set.Beneficiaries != g.Beneficiaries {
		return rep, fmt.Errorf("directory download %d: files of %d beneficiaries, the generation has %d: %w",
			g.Number, set.Beneficiaries, g.Beneficiaries, ErrFilesUnusable)
	}
	rc, err := dst.NewReceiver()
	if err != nil {
		return rep, fmt.Errorf("directory download %d: %w", g.Number, err)
	}
	defer rc.Close()
	if rep.Bytes, err = receive(ctx, pool, set, rc); err != nil {
		return rep, fmt.Errorf("directory download %d: %w", g.Number, err)
	}
	rep.ReadTime = time.Since(start)
	start = time.Now()
	err = rc.Install(ctx, directory.Files{Version: directory.CurrentVersion(), Base: set.Base,
		Beneficiaries: int(set.Beneficiaries)})
	if errors.Is(err, directory.ErrReceived) || errors.Is(err, directory.ErrVersion) {
		err = fmt.Errorf("%w: %w", ErrFilesUnusable, err)
	}
	if err != nil {
		return rep, fmt.Errorf("directory download %d: %w", g.Number, err)
	}
	rep.LoadTime = time.Since(start)
	return rep, nil
}

// sink is one file being received.
type sink struct {
	name string
	f    *os.File
	sum  hash.Hash
	size int64
	next int32 // the chunk expected next
	want int64
	hex  string
}

// receive streams set's chunks into rc's files, checks their sizes and checksums and syncs them.
func receive(ctx context.Context, pool *pgsql.Pool, set fileSet, rc *directory.Receiver) (int64, error) {
	dbf, err := rc.DB()
	if err != nil {
		return 0, err
	}
	ixf, err := rc.Index()
	if err != nil {
		_ = dbf.Close()
		return 0, err
	}
	sinks := map[string]*sink{
		fileDB:    {name: fileDB, f: dbf, sum: sha256.New(), want: set.DBSize, hex: set.DBSum},
		fileIndex: {name: fileIndex, f: ixf, sum: sha256.New(), want: set.IndexSize, hex: set.IndexSum},
	}
	defer func() { _ = dbf.Close(); _ = ixf.Close() }()
	rows, err := pool.Query(ctx, `SELECT file, chunk, data FROM directory_file_chunks WHERE generation = $1
		ORDER BY file, chunk`, set.Generation)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name  string
			chunk int32
		)
		if err := rows.Scan(&name, &chunk, nil); err != nil {
			return 0, err
		}
		s := sinks[name]
		if s == nil || chunk != s.next {
			return 0, fmt.Errorf("chunk %d of file %q out of place: %w", chunk, name, ErrFilesUnusable)
		}
		data := rows.RawValues()[2] // binary bytea: the bytes themselves
		if s.size+int64(len(data)) > s.want {
			return 0, fmt.Errorf("file %s longer than %d bytes: %w", name, s.want, ErrFilesUnusable)
		}
		if _, err := s.f.Write(data); err != nil {
			return 0, err
		}
		s.sum.Write(data)
		s.size += int64(len(data))
		s.next++
		hook("download-chunk")
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return sinks[fileDB].size + sinks[fileIndex].size, finish(sinks[fileDB], sinks[fileIndex])
}

// finish checks the files received against their sizes and checksums, and syncs and closes them.
func finish(ss ...*sink) error {
	for _, s := range ss {
		if s.size != s.want {
			return fmt.Errorf("file %s: %d bytes, want %d: %w", s.name, s.size, s.want, ErrFilesUnusable)
		}
		if got := hex.EncodeToString(s.sum.Sum(nil)); got != s.hex {
			return fmt.Errorf("file %s: SHA-256 %.12s..., want %.12s...: %w", s.name, got, s.hex, ErrFilesUnusable)
		}
		if err := s.f.Sync(); err != nil {
			return err
		}
		if err := s.f.Close(); err != nil {
			return err
		}
	}
	return nil
}
