package model

import (
	"strconv"
	"strings"
	"time"
)

// Money is an amount in cents of real.
type Money int64

// String renders the amount as people in Brazil write it: R$ 1.234,56 (negative: -R$ 12,00).
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	units := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, c := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	cents := v % 100
	return sign + "R$ " + b.String() + "," + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
}

// ParseMoney reads an amount as the plan writes it: a JSON number's text ("1234.5", "-12"), or with a decimal
// comma and thousand dots ("1.234,56"). Fractions beyond cents are rounded half away from zero.
func ParseMoney(s string) (Money, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "R$"))
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if strings.Contains(s, ",") { // 1.234,56: dots group thousands, the comma is the decimal point
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || frac != "" && !allDigits(frac) || len(whole) > 15 {
		return 0, false
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	cents := n * 100
	frac += "000"
	cents += int64(atoiDigits(frac[:2]))
	if frac[2] >= '5' {
		cents++
	}
	if neg {
		cents = -cents
	}
	return Money(cents), true
}

// BillingKind is which billing of a month is asked: what will be billed, or what was billed.
type BillingKind int

// Billing kinds (the plan's billingType values).
const (
	BillingToBill BillingKind = 1 // not billed yet ("a faturar")
	BillingBilled BillingKind = 2 // billed ("já faturado")
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf is the month of now in America/Sao_Paulo.
func MonthOf(now time.Time) Month {
	y, m, _ := now.In(saoPaulo()).Date()
	return Month{y, m}
}

// MonthOfDate is the month of a calendar date as written (a date from ParseDate, at midnight UTC), without
// moving it to another zone.
func MonthOfDate(t time.Time) Month {
	y, m, _ := t.Date()
	return Month{y, m}
}

// Add moves the month by n (negative: earlier).
func (m Month) Add(n int) Month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return Month{t.Year(), t.Month()}
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// String renders MM/AAAA.
func (m Month) String() string {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC).Format("01/2006")
}

// Billing is a family's billing of one month: totals, the employer's share and each member's amount with its
// compositions.
type Billing struct {
	Month           Month
	Kind            BillingKind
	Collection      string // the billing batch (billed months only)
	Title           string // the bill's key (billed months only)
	Credits         Money
	Debts           Money
	FamilyAmount    Money
	EmployerCredits Money
	EmployerDebts   Money
	EmployerAmount  Money
	Amount          Money // the total
	AmountIsCredit  bool  // the total is a credit to the family, not a debt
	Members         []BillingMember
}

// Empty reports whether the plan has nothing for the month (no member, no amount).
func (b Billing) Empty() bool {
	return len(b.Members) == 0 && b.Amount == 0 && b.Credits == 0 && b.Debts == 0 && b.Title == ""
}

// BillingMember is one family member's part of a month's billing.
type BillingMember struct {
	Card   string
	Name   string
	Amount Money
	Items  []BillingItem
}

// BillingItem is one composition of a member's amount (monthly fee, co-payment, adjustment…).
type BillingItem struct {
	Code        string
	Description string
	Credit      bool // a credit (discount, refund) rather than a debt
	Retroactive bool
	Value       Money
}
