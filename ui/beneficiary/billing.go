package beneficiary

import (
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// billingState is the Financeiro tab's: the month shown and the plan's billing of it.
type billingState struct {
	month model.Month
	bill  *model.Billing
}

// billMaxWidth caps the members' lines on wide terminals, so each amount stays near its name.
const billMaxWidth = 96

// billLabel is the width of Financeiro's label column.
const billLabel = 18

// billingSection is the month's billing, or the call's state, under the month's line.
func (m *Model) billingSection() []list.Row {
	st := m.ctx.Styles
	billed := m.billing.bill != nil && m.billing.bill.Kind == model.BillingBilled
	head := " " + st.Dim.Render(i18n.UIBillMonth(m.billing.month.String(), billed))
	if lines, ready := m.callState(kBilling, i18n.UILoadingBilling); !ready {
		return textRows(append([]string{head, ""}, lines...))
	}
	b := m.billing.bill
	if b == nil || b.Empty() {
		return textRows([]string{head, "", " " + st.Dim.Render(i18n.UIBillEmpty)})
	}
	return textRows(append([]string{head, ""}, m.billingLines(b)...))
}

// billingLines are the totals, then each member's amount and compositions; amounts are right-aligned in a column
// as wide as the widest, so that they are never cut (the labels are).
func (m *Model) billingLines(b *model.Billing) []string {
	st := m.ctx.Styles
	aw := m.amountWidth(b)
	line := func(label, amount string) string {
		return " " + st.Label.Render(common.PadRight(label, billLabel)) + " " + common.PadLeft(amount, aw)
	}
	total := i18n.UIBillTotalDebt
	if b.AmountIsCredit {
		total = i18n.UIBillTotalCred
	}
	var out []string
	for _, kv := range [][2]string{{i18n.UIBillTitle, b.Title}, {i18n.UIBillCollection, b.Collection}} {
		if kv[1] != "" { // billed months only
			out = append(out, " "+st.Label.Render(common.PadRight(kv[0], billLabel))+" "+kv[1])
		}
	}
	out = append(out, line(i18n.UIBillTotal, b.Amount.String())+" "+st.Bold.Render(total),
		line(i18n.UIBillDebts, b.Debts.String()), line(i18n.UIBillCredits, b.Credits.String()),
		line(i18n.UIBillFamily, b.FamilyAmount.String()), line(i18n.UIBillEmployer, b.EmployerAmount.String()))
	if len(b.Members) == 0 {
		return out
	}
	out = append(out, "", " "+st.Section.Render(i18n.UIBillMembers))
	for _, mem := range b.Members {
		out = append(out, m.memberLines(mem, aw)...)
	}
	return out
}

// amountWidth is the widest amount of the month.
func (m *Model) amountWidth(b *model.Billing) int {
	w := 0
	for _, v := range []model.Money{b.Amount, b.Debts, b.Credits, b.FamilyAmount, b.EmployerAmount} {
		w = max(w, common.Width(v.String()))
	}
	for _, mem := range b.Members {
		w = max(w, common.Width(mem.Amount.String()))
		for _, it := range mem.Items {
			w = max(w, common.Width(itemAmount(it).String()))
		}
	}
	return w
}

// itemAmount is a composition's value as it weighs on the bill: a credit subtracts.
func itemAmount(it model.BillingItem) model.Money {
	if it.Credit {
		return -it.Value
	}
	return it.Value
}

// memberLines are a member's name and amount, then the compositions, each amount in the same column.
func (m *Model) memberLines(mem model.BillingMember, aw int) []string {
	st := m.ctx.Styles
	room := max(10, min(m.width, billMaxWidth)-2-aw-2)
	name := st.Bold.Render(mem.Name)
	if c := model.FormatCard(mem.Card); c != "" && room > common.Width(mem.Name)+common.Width(c)+3 {
		name += st.Dim.Render(" · " + c)
	}
	out := []string{" " + common.PadRight(name, room) + " " + common.PadLeft(mem.Amount.String(), aw)}
	for _, it := range mem.Items {
		desc := it.Description
		var marks []string
		if it.Credit {
			marks = append(marks, i18n.UIBillCredit)
		}
		if it.Retroactive {
			marks = append(marks, i18n.UIBillRetro)
		}
		if len(marks) > 0 {
			desc += " (" + strings.Join(marks, ", ") + ")"
		}
		out = append(out, "   "+common.PadRight(st.Dim.Render(desc), room-2)+" "+common.PadLeft(itemAmount(it).String(), aw))
	}
	return out
}

// billingWarnings: the total is a credit, or the month carries a retroactive charge.
func (m *Model) billingWarnings() []string {
	b := m.billing.bill
	if b == nil || b.Empty() || m.billing.month != model.MonthOf(m.now()) {
		return nil
	}
	var out []string
	if b.AmountIsCredit {
		out = append(out, i18n.UIWarnBillCredit)
	}
	for _, mem := range b.Members {
		for _, it := range mem.Items {
			if it.Retroactive && !it.Credit {
				return append(out, i18n.UIWarnBillRetro)
			}
		}
	}
	return out
}

// billingSummary is the Resumo's line: the month's total and whether it is to pay or a credit.
func (m *Model) billingSummary() string {
	b := m.billing.bill
	if b == nil || b.Empty() {
		return ""
	}
	kind := i18n.UIBillTotalDebt
	if b.AmountIsCredit {
		kind = i18n.UIBillTotalCred
	}
	return b.Month.String() + "  " + m.ctx.Styles.Bold.Render(b.Amount.String()) + " " + kind
}
