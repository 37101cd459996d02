// Package audit is balcão's access record (LGPD art. 37: records of processing of health data): one line per
// access to a person's data — an attendant opening a beneficiary, a search answered to Mosia, an occurrence sent —
// saying who (the attendant or the credential, and the SSH key), whom (chaveUnica), what and when. It holds no
// name and no searched value: only keys and ids.
//
// Lines are append-only and hash-chained: each carries the SHA-256 of the line before it and of itself, so a line
// removed from the middle or edited is detected by Verify. Records are written in groups (one transaction per
// group, synchronous=FULL: the outbox's durability) and Record returns once its line is on disk, so a busy
// service pays one disk sync per group, not per request.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Kind is what kind of access a line records.
type Kind string

// Kinds of access.
const (
	KindBeneficiary Kind = "beneficiario" // an attendant opened a beneficiary (What: the tabs that loaded)
	KindSearch      Kind = "busca"        // Mosia's panel searched (What: the criterion kinds; Chaves: who was returned)
	KindOccurrence  Kind = "ocorrencia"   // an occurrence was sent to Mosia (What: its protocol)
)

// Entry is one line of the record.
type Entry struct {
	Seq    int64     // position in the record, set when written
	At     time.Time // when
	Who    string    // the attendant's id, or the credential Mosia used
	Key    string    // the SSH key's fingerprint, "" when none
	Kind   Kind      // what kind of access
	Chaves []string  // whose data (chaveUnica), in the order shown
	What   string    // the detail: tabs loaded, criterion kinds, protocol
	Prev   string    // the hash of the line before (hex)
	Hash   string    // this line's hash (hex)
}

// hash is the line's hash: SHA-256 over its fields and the previous line's hash, each length-prefixed so no two
// different lines can encode alike.
func (e Entry) hash() string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.At.UnixNano(), 10))
	field(e.Who)
	field(e.Key)
	field(string(e.Kind))
	field(strings.Join(e.Chaves, "\x1f"))
	field(e.What)
	field(e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

// genesis is the hash the first line of a record chains to.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Chain numbers group after the head (seq, prev) of a record and sets each line's Seq, Prev and Hash.
func Chain(seq int64, prev string, group []Entry) {
	for i := range group {
		seq++
		group[i].Seq, group[i].Prev = seq, prev
		group[i].Hash = group[i].hash()
		prev = group[i].Hash
	}
}

// Genesis is the hash the first line of a record chains to.
const Genesis = genesis

// Check reports whether e's hash is its own (the line was not edited since it was written).
func (e Entry) Check() bool { return e.hash() == e.Hash }
