package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
)

// handleAuthorizations answers beneficiaryPosition/{card}/authorizations: the guides whose event date is in
// [initialDate, finalDate] (AAAA-MM-DD, both optional), filtered by phases and formTypes (comma lists), ordered by
// order (bd5_datpro or -bd5_datpro; newest first when absent), paged by page/pageSize, with the struct.
func (s *Sandbox) handleAuthorizations(w http.ResponseWriter, r *http.Request) {
	card := r.PathValue("card")
	lo, hi, ok := s.pageBounds(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	from, okFrom := s.dateParam(w, q.Get("initialDate"), "initialDate")
	to, okTo := s.dateParam(w, q.Get("finalDate"), "finalDate")
	if !okFrom || !okTo {
		return
	}
	items, found := s.data.Authorizations(card)
	if !found {
		s.notFound(w, card, true)
		return
	}
	phases, types := listParam(q.Get("phases")), listParam(q.Get("formTypes"))
	kept := items[:0]
	for _, it := range items {
		d, _ := model.ParseDate(it["bd5_datpro"].(string))
		switch {
		case !from.IsZero() && d.Before(from), !to.IsZero() && d.After(to):
		case len(phases) > 0 && !slices.Contains(phases, it["bd5_fase"].(string)):
		case len(types) > 0 && !slices.Contains(types, it["bd5_tipgui"].(string)):
		default:
			kept = append(kept, it)
		}
	}
	if strings.TrimSpace(q.Get("order")) == "bd5_datpro" {
		slices.Reverse(kept)
	}
	page, pg := paginate(kept, lo, hi)
	writeJSON(w, http.StatusOK, totvs.Authorizations{Items: page, Struct: AuthorizationStruct(), Page: pg})
}

// dateParam reads an optional AAAA-MM-DD parameter; it answers the refusal itself.
func (s *Sandbox) dateParam(w http.ResponseWriter, v, name string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		s.totvsError(w, http.StatusBadRequest, "400", fmt.Sprintf(msgTOTVSBadDate, name+"="+v), err.Error())
		return time.Time{}, false
	}
	return t, true
}

func listParam(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// handleBilling answers beneficiaryPosition/{card}/billing?baseMonth&baseYear&billingType (all required; the
// type is 1, to be billed, or 2, billed).
func (s *Sandbox) handleBilling(w http.ResponseWriter, r *http.Request) {
	card := r.PathValue("card")
	q := r.URL.Query()
	num := func(name string, lo, hi int) (int, bool) {
		n, err := strconv.Atoi(q.Get(name))
		if err != nil || n < lo || n > hi {
			s.totvsError(w, http.StatusBadRequest, "400", fmt.Sprintf(msgTOTVSBadBillingParam, name), name+"="+q.Get(name))
			return 0, false
		}
		return n, true
	}
	month, ok := num("baseMonth", 1, 12)
	if !ok {
		return
	}
	year, ok := num("baseYear", 1900, 2999)
	if !ok {
		return
	}
	kind, ok := num("billingType", 1, 2)
	if !ok {
		return
	}
	b, found := s.data.Billing(card, model.Month{Year: year, Month: time.Month(month)}, model.BillingKind(kind))
	if !found {
		s.notFound(w, card, false)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// handleSearch answers beneficiaryPosition/search?key=… (a name, a card or a CPF), paged like the collections.
func (s *Sandbox) handleSearch(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimSpace(r.URL.Query().Get("key"))
	if key == "" {
		s.totvsError(w, http.StatusBadRequest, "400", msgTOTVSMissingKey, "key=")
		return
	}
	lo, hi, ok := s.pageBounds(w, r)
	if !ok {
		return
	}
	found := s.data.Search(key, 500)
	if len(found) == 0 {
		s.totvsError(w, http.StatusNotFound, totvs.NotFoundCode, msgTOTVSSearchNotFound, "key="+key)
		return
	}
	page, pg := paginate(found, lo, hi)
	writeJSON(w, http.StatusOK, totvs.Search{Beneficiaries: page, Page: pg})
}
