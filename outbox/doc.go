// Package outbox is the durable queue of what attendants ask of Mosia (new occurrences, and follow-ups on existing
// protocols: notes, status changes, draft activations) and its sender: nothing an attendant typed is lost and
// nothing is registered twice. The queue's rules live in Queue; the items are kept
// by a Store (SQLite by default, one file shared safely by processes); the Sender delivers them through the
// Mosia interface.
//
// # Delivery
//
// The console commits an occurrence to the queue first (Queue.Submit), then the Sender claims it under a
// lease (one sender at a time per item, across every process sharing the file), records the attempt durably, and
// POSTs it. A protocol in the answer marks it sent. A network error, a timeout, a 5xx or a 429 leaves it pending
// with a pt-BR reason and an exponential backoff with full jitter (random between 0 and
// min(MaxBackoff, MinBackoff·2^(attempt-1))); while the upstream keeps failing the whole sender pauses the same way,
// so a Mosia outage costs one probe per backoff, not one request per queued item (Kick ends the pause). A 400, 409,
// 422 or a status:false answer is the item's fault: it goes to needs_correction with Mosia's message and is not
// retried until the attendant corrects it (Resubmit) or asks again (RetryNow). A 401/403 or a 404 is a configuration
// problem, not the item's: it stays pending with a reason asking for support and waits between MaxBackoff/2 and
// MaxBackoff. Automatic retries never stop — an outbox that gives up loses occurrences; from MaxAttempts on, the
// item's reason and its events say it is stalled and the log warns, so the status bar can ask for help.
//
// # No duplicates: the rule
//
// An attempt is recorded (attempts+1, FirstAttemptAt, Uncertain=true) BEFORE the POST. Uncertain is cleared only
// when the item is marked sent; an attempt that provably never reached Mosia (connection refused before sending, a
// 4xx) puts it back as it was. So after a timeout once the request was written, a dropped connection, a 5xx, a 2xx
// without a protocol, or a crash anywhere between the attempt record and storing the answer, the item is Uncertain,
// and before sending it again the sender lists the latest protocols of the item's beneficiary
// (beneficiario.chaveUnica, else solicitante.chaveUnica; ultimosProtocolos with totalProtocolos=10) and takes as the
// item's own the oldest protocol that
//
//   - has the same occurrence type (tipoOcorrencia.id == the occurrence type),
//   - has the same subject: the list gives the subject as a description only, so it is compared (ignoring case,
//     accents and surrounding spaces) with Options.SubjectName(type, subject); both empty also
//     matches; when SubjectName cannot name the subject, the subject is not compared,
//   - has the same requester, when the list names one (solicitante.chaveUnica),
//   - was registered (data_registro) at or after the item's FirstAttemptAt minus Options.ClockSkew (default 2 min:
//     the tolerated difference between our clock and Mosia's), and
//   - is not already held by another item of the outbox (a unique index makes this atomic).
//
// If one matches, the item is marked sent with it (Event.Deduplicated); if none does, it is sent again; if the check
// itself fails, the item waits and the check is repeated — it is never resent blind.
//
// Limits. (1) Occurrences of the same type, subject and requester for the same beneficiary, opened by someone else
// (Mosia's panel, another system) inside the window while an item is Uncertain, are indistinguishable from it: the
// item may take that protocol and its own text would not reach Mosia. Two such items of the outbox itself cannot be
// confused: look-alike items (same beneficiary, type, subject and requester) are delivered one at a time, the next
// not posted while an earlier one is Uncertain, and a 2xx answer's protocol held by another item is recorded on
// both and flagged for a person, never resent. (2) A Mosia clock behind ours by more than
// ClockSkew can hide the earlier registration, and the item is sent twice. (3) The list shows only the 10 latest
// protocols: if more than 10 newer occurrences were opened for the beneficiary between the lost attempt and the
// check, the original is not seen and the item is sent twice. (4) A corrected item (Resubmit) keeps its attempt
// history but is compared with its corrected type and subject. (5) A send is cut at Lease/2 so that a sender taking
// over an expired lease never races a POST still in flight; a Mosia that registers a request more than Lease/2 after
// receiving it could still see it twice.
//
// # Follow-ups
//
// A note, a status change (closing included) or a draft activation goes through the same queue with the same
// guarantees: committed first (Queue.SubmitFollowUp), claimed under a lease, the attempt recorded before the call,
// the call never retried blind. Follow-ups on one protocol go one at a time and in order (a note written before
// the closing reaches Mosia first); a refused one can be corrected (ResubmitFollowUp) or dropped by a person
// (Discard). Before sending again a follow-up whose earlier attempt may have reached Mosia, the sender reads the
// protocol's detail (GET /clientes/ocorrencias/{protocolo}):
//
//   - a status change is taken as applied when the protocol has the asked status (and the asked closing reason,
//     when the detail shows one). When it has another status and changed after the first attempt (or does not say
//     when it changed), ours may have applied and someone changed it again: resending would undo their change,
//     so the item waits for a person (NeedsReview). Otherwise ours did not apply and it is sent again.
//   - an activation is taken as applied when the detail says the protocol is no longer a draft; otherwise it is
//     sent again (activating twice has one effect; Mosia refuses the second, which a person then discards).
//   - a note is taken as applied when the detail lists more notes of the same text and visibility, registered since
//     the first attempt minus ClockSkew, than other sent notes of this outbox account for. The vendor's published
//     detail does not list notes: when the answer says nothing about them, or a twin has no date, the outbox
//     cannot tell and the item waits for a person (NeedsReview: ResolveFollowUp says whether it arrived). balcão
//     never adds a marker to the note's text (a public note is read by the beneficiary). Limit: an identical note
//     (same text, same visibility) written by someone else in Mosia's panel inside the window is taken for ours.
//
// # Crash safety
//
// kill -9 before the POST leaves the item pending (its lease expires and it is sent); during or after the POST but
// before the answer is stored leaves it Uncertain, and the check above finds the occurrence Mosia registered. Test
// builds only (not the balcao binary) read BALCAO_OUTBOX_TESTHOOK=before-send|after-send|after-answer, which makes
// the sender write a marker to stderr at that point and then block forever, so a test can SIGKILL it exactly there.
package outbox
