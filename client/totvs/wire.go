package totvs

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/balcao/balcao/client"
)

// The wire types below are TOTVS Saúde Planos' beneficiaryPosition answers as the vendor sends them (see
// docs/upstreams.md): lower-case Protheus column keys in fields, upper-case ones in struct, SX3 pictures and
// combo boxes. They stop at this package: the rest of balcão sees the model types the client converts them to.

// Contract is beneficiaryPosition/{card}/contract: BA1/BA3 fields, their SX3 structure and folders.
type Contract struct {
	Fields  map[string]any `json:"fields"`
	Struct  []FieldStruct  `json:"struct"`
	Folders []Folder       `json:"folders"`
}

// FieldStruct is one SX3 entry describing a contract field.
type FieldStruct struct {
	Field       string `json:"field"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Picture     string `json:"picture"`
	Size        int    `json:"size"`
	Decimals    int    `json:"decimals"`
	CBox        CBox   `json:"cbox"`
	Folder      string `json:"folder"`
	Order       string `json:"order,omitempty"`
}

// Folder is one SXA folder (tab) of the contract fields.
type Folder struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// CBoxEntry is one combo-box option of an SX3 field.
type CBoxEntry struct {
	Value       string `json:"value"`
	Description string `json:"description"`
}

// CBox is the list of combo-box options; it also reads the legacy "code=label" strings.
type CBox []CBoxEntry

// UnmarshalJSON accepts objects {value, description}, "code=label" strings, or null.
func (c *CBox) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		var s string
		if json.Unmarshal(b, &s) == nil { // "1=Masculino;2=Feminino"
			*c = parseCBoxString(s)
			return nil
		}
		if string(b) == "null" {
			*c = nil
			return nil
		}
		return fmt.Errorf("cbox: %w", err)
	}
	out := make(CBox, 0, len(raw))
	for _, r := range raw {
		var e struct { // values arrive as strings or numbers
			Value       client.FlexString `json:"value"`
			Description string            `json:"description"`
		}
		if json.Unmarshal(r, &e) == nil && (e.Value != "" || e.Description != "") {
			out = append(out, CBoxEntry{Value: string(e.Value), Description: e.Description})
			continue
		}
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, parseCBoxString(s)...)
		}
	}
	*c = out
	return nil
}

func parseCBoxString(s string) CBox {
	var out CBox
	for _, part := range strings.Split(s, ";") {
		code, label, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		out = append(out, CBoxEntry{Value: strings.TrimSpace(code), Description: strings.TrimSpace(label)})
	}
	return out
}

// Lookup returns the description of value, if the combo box has it.
func (c CBox) Lookup(value string) (string, bool) {
	v := strings.TrimSpace(value)
	for _, e := range c {
		if strings.EqualFold(e.Value, v) {
			return e.Description, true
		}
	}
	return "", false
}

// Family is beneficiaryPosition/{card}/familyBeneficiaries.
type Family struct {
	Beneficiaries []FamilyMember `json:"beneficiaries"`
}

// FamilyMember is one beneficiary of a family.
type FamilyMember struct {
	Card      string `json:"card"`
	Name      string `json:"name"`
	Kinship   string `json:"kinship"`
	Situation string `json:"situation"`
}

// Page is the pagination trailer of a collection.
type Page struct {
	HasNext          bool `json:"hasNext"`
	RemainingRecords int  `json:"remainingRecords"`
}

// GracePeriodClasses is beneficiaryPosition/{card}/gracePeriodClass.
type GracePeriodClasses struct {
	BeneficiaryTransfer bool         `json:"beneficiaryTransfer"`
	Items               []GraceClass `json:"items"`
	Page
}

// GraceClass is one grace-period class; which fields are set depends on BeneficiaryTransfer.
type GraceClass struct {
	ClassCode   string `json:"classCode"`
	Description string `json:"description"`
	// Without transfer.
	FinalDate string `json:"finalDate,omitempty"`
	Status    string `json:"status,omitempty"`
	// With transfer (previous plan's network and current plan's network).
	FinalDatePrevious string `json:"finalDatePrevious,omitempty"`
	StatusPrevious    string `json:"statusPrevious,omitempty"`
	FinalDateCurrent  string `json:"finalDateCurrent,omitempty"`
	StatusCurrent     string `json:"statusCurrent,omitempty"`
}

// GracePeriodGroups is beneficiaryPosition/{card}/gracePeriodGroup.
type GracePeriodGroups struct {
	Items []GraceGroup `json:"items"`
	Page
}

// GraceGroup is one grace-period group.
type GraceGroup struct {
	GroupCode   string `json:"groupCode"`
	Description string `json:"description"`
	Date        string `json:"date"`
	Status      string `json:"status"`
}

// ErrorModel is the error body of the TOTVS API guide.
type ErrorModel struct {
	Code            string       `json:"code"`
	Message         string       `json:"message"`
	DetailedMessage string       `json:"detailedMessage,omitempty"`
	HelpURL         string       `json:"helpUrl,omitempty"`
	Type            string       `json:"type,omitempty"`
	Details         []ErrorModel `json:"details,omitempty"`
}

// Error implements error.
func (e *ErrorModel) Error() string {
	if e.DetailedMessage != "" {
		return e.Code + ": " + e.Message + " (" + e.DetailedMessage + ")"
	}
	return e.Code + ": " + e.Message
}

// NotFoundCode is the error code TOTVS answers for an unknown card.
const NotFoundCode = "E001"

// Token is the OAuth2 password-grant answer.
type Token struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	HasMFA       bool   `json:"hasMFA"`
}

// Authorizations is one page of beneficiaryPosition/{card}/authorizations: the guides as lower-case BD5 columns
// (plus bcl_descri and authorizationid), and the SX3 structure of those columns.
type Authorizations struct {
	Items  []map[string]any `json:"items"`
	Struct []FieldStruct    `json:"struct"`
	Page
}

// Billing is beneficiaryPosition/{card}/billing: a family's billing of one month. An older version of the
// vendor's page wraps the same fields in billsToBill, with baseMonth and baseYear beside it.
type Billing struct {
	BaseMonth        client.FlexString    `json:"baseMonth,omitempty"`
	BaseYear         client.FlexString    `json:"baseYear,omitempty"`
	BillsToBill      *Billing             `json:"billsToBill,omitempty"`
	CollectionNumber client.FlexString    `json:"collectionNumber,omitempty"`
	Title            client.FlexString    `json:"title,omitempty"`
	Credits          client.FlexNumber    `json:"credits"`
	Debts            client.FlexNumber    `json:"debts"`
	FamilyAmount     client.FlexNumber    `json:"familyAmount"`
	EmployerCredits  client.FlexNumber    `json:"employerCredits"`
	EmployerDebts    client.FlexNumber    `json:"employerDebts"`
	EmployerAmount   client.FlexNumber    `json:"employerAmount"`
	Amount           client.FlexNumber    `json:"amount"`
	AmountType       string               `json:"amountType"`
	Beneficiaries    []BillingBeneficiary `json:"beneficiaries"`
}

// BillingBeneficiary is one family member's amount and its compositions.
type BillingBeneficiary struct {
	SubscriberID client.FlexString    `json:"subscriberId"`
	Name         string               `json:"name"`
	Amount       client.FlexNumber    `json:"amount"`
	Compositions []BillingComposition `json:"compositions"`
}

// BillingComposition is one part of a member's amount: its type (code and description), debit or credit,
// whether it is retroactive, and its value.
type BillingComposition struct {
	TypeCode        client.FlexString `json:"typeCode"`
	TypeDescription string            `json:"typeDescription"`
	Type            string            `json:"type"`
	Retroactive     client.FlexBool   `json:"retroactive"`
	Value           client.FlexNumber `json:"value"`
}

// Search is beneficiaryPosition/search?key=…: the beneficiaries a name, card or CPF finds. The vendor shows the
// list as beneficiaries; items is read too, as the API guide names collections.
type Search struct {
	Beneficiaries []SearchBeneficiary `json:"beneficiaries"`
	Items         []SearchBeneficiary `json:"items,omitempty"`
	Page
}

// SearchBeneficiary is one beneficiary found: card, name, type (T titular, D dependent, A aggregate) and kinship
// as the vendor lists them; cpf, birthDate and situation when the plan sends them.
type SearchBeneficiary struct {
	Card      client.FlexString `json:"card"`
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	Kinship   string            `json:"kinship"`
	CPF       client.FlexString `json:"cpf,omitempty"`
	BirthDate string            `json:"birthDate,omitempty"`
	Situation string            `json:"situation,omitempty"`
}
