package sandbox

import (
	"fmt"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // America/Sao_Paulo must load on machines without zoneinfo

	"github.com/balcao/balcao/client/mosia"
)

// Mosia occurrence statuses the sandbox uses.
var (
	statusInProgress = mosia.IDDesc{ID: "386", Descricao: "Em Atendimento (externo)"}
	statusDone       = mosia.IDDesc{ID: "310", Descricao: "Realizado"}
	statusClosed     = mosia.IDDesc{ID: "249", Descricao: "Encerrado"}
	statusOpen       = mosia.IDDesc{ID: "101", Descricao: "Aberto"}
	statusWaiting    = mosia.IDDesc{ID: "102", Descricao: "Aguardando Beneficiário"}
	statusDraft      = mosia.IDDesc{ID: "99", Descricao: "Rascunho"}
)

// RegANS is the operator registration the sandbox prefixes protocols with (RN-395 style: regANS+AAAAMMDD+seq).
const RegANS = "345678"

// seedHistory and historyCatalogue are built once: Protocols runs per request.
var (
	seedHistory      = seedProtocols()
	historyCatalogue = DefaultCatalogue()
)

// protocolNumber builds a protocol string: regANS + YYYYMMDD + 6-digit sequence (20 digits).
func protocolNumber(t time.Time, seq int) string {
	return RegANS + t.Format("20060102") + fmt.Sprintf("%06d", seq%1_000_000)
}

// protocolSeqStart is where a day's sequence starts for a process started at t: ten numbers per second of the
// day gone by, so a sandbox restarted later the same day starts above what an earlier run handed out (a demo's
// outbox keeps those protocols). The day is São Paulo's.
func protocolSeqStart(t time.Time) int {
	t = t.In(saoPaulo())
	return (t.Hour()*3600 + t.Minute()*60 + t.Second()) * 10
}

// parseProtocolSeq reads the day and the sequence of a protocol this sandbox numbers; ok is false for others.
func parseProtocolSeq(p string) (day string, seq int, ok bool) {
	if len(p) != len(RegANS)+8+6 || p[:len(RegANS)] != RegANS {
		return "", 0, false
	}
	n, err := strconv.Atoi(p[len(RegANS)+8:])
	if err != nil {
		return "", 0, false
	}
	return p[len(RegANS) : len(RegANS)+8], n, true
}

var saoPaulo = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return loc
	}
	return time.FixedZone("-03", -3*60*60)
})

// Protocols returns the generated protocol history of a chaveUnica, newest first (0–8 items; Mosia's example verbatim
// for Patrick). Unknown keys have no history.
func (d *Dataset) Protocols(chave string) []mosia.Protocol {
	if ps, ok := seedHistory[chave]; ok {
		return append([]mosia.Protocol(nil), ps...)
	}
	i, ok := d.IndexOfChaveUnica(chave)
	if !ok {
		return nil
	}
	p, _ := d.person(i)
	r := newRNG(d.seed, saltProtocols, uint64(i))
	n := []int{0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 8}[r.intn(12)]
	cat := historyCatalogue
	out := make([]mosia.Protocol, 0, n)
	daysAgo := 0
	for k := 0; k < n; k++ {
		daysAgo += r.between(1, 90)
		reg := d.now.AddDate(0, 0, -daysAgo).Add(time.Duration(r.between(8*3600, 19*3600)) * time.Second).
			Add(time.Duration(r.intn(1000)) * time.Millisecond)
		upd := reg.Add(time.Duration(r.intn(3*86400)) * time.Second)
		t := cat.Types[r.intn(len(cat.Types))]
		var assunto mosia.Assunto
		if len(t.Subjects) > 0 && r.chance(0.85) {
			assunto = mosia.Assunto{Descricao: t.Subjects[r.intn(len(t.Subjects))].Name, Present: true}
		}
		status := statusDone
		switch {
		case k == 0 && daysAgo < 20:
			status = []mosia.IDDesc{statusInProgress, statusOpen, statusWaiting}[r.intn(3)]
		case r.chance(0.3):
			status = statusClosed
		}
		nome := p.name
		if r.chance(0.5) {
			nome += " - " + p.chave // Mosia quirk: the name may carry " - <chaveUnica>"
		}
		who := mosia.Person{Nome: nome, ChaveUnica: p.chave}
		out = append(out, mosia.Protocol{
			Protocolo:       mosia.FlexString(protocolNumber(reg, (i*8+k)%500_000)),
			TipoOcorrencia:  mosia.IDDesc{ID: mosia.FlexString(strconv.Itoa(t.ID)), Descricao: t.Name},
			DataRegistro:    mosia.FlexString(strconv.FormatInt(reg.UnixMilli(), 10)),
			DataAtualizacao: mosia.FlexString(strconv.FormatInt(upd.UnixMilli(), 10)),
			Status:          status,
			Assunto:         assunto,
			Beneficiario:    who,
			Solicitante:     who,
		})
	}
	return out
}

// ProtocolByNumber finds a protocol of the generated history (or Mosia's example) by its number, with the
// chaveUnica it is listed under.
func (d *Dataset) ProtocolByNumber(number string) (mosia.Protocol, string, bool) {
	for chave, ps := range seedHistory {
		for _, p := range ps {
			if p.Protocolo.String() == number {
				return p, chave, true
			}
		}
	}
	_, seq, ok := parseProtocolSeq(number)
	if !ok || seq >= 500_000 {
		return mosia.Protocol{}, "", false
	}
	// Protocols numbers index i's k-th protocol (i*8+k) modulo 500,000: every index that could hold it is tried.
	for v := seq; v/8 < d.n; v += 500_000 {
		i, k := v/8, v%8
		if i < len(d.seeds) {
			continue
		}
		p, _ := d.person(i)
		if ps := d.Protocols(p.chave); k < len(ps) && ps[k].Protocolo.String() == number {
			return ps[k], p.chave, true
		}
	}
	return mosia.Protocol{}, "", false
}
