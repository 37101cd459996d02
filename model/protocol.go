package model

import "time"

// Ref is an item of the service desk's catalogue (an occurrence type, a status) by id and name.
type Ref struct {
	ID   int // 0 when unknown
	Name string
}

// Party is a person named on an occurrence: the beneficiary it is about, or who asked for it.
type Party struct {
	Name       string
	ChaveUnica string
	Email      string
	Phone      string // digits
}

// Precision is how much of a date the service desk gave.
type Precision int

// Precisions of a date.
const (
	NoDate     Precision = iota // none given
	Unreadable                  // given, but in a form balcão cannot read
	DayOnly                     // a date without a time: the whole day
	Exact                       // a date and a time
)

// Protocol is one occurrence registered at the service desk, as a list of latest protocols shows it.
type Protocol struct {
	Number      string // 19 to 21 digits: always a string
	Type        Ref
	Subject     string // the subject's description ("" when none)
	Status      Ref
	Registered  time.Time // the start of the day when only the day is known; zero when NoDate or Unreadable
	RegisteredP Precision // how much of the registration date the desk gave
	Updated     time.Time
	Beneficiary Party
	Requester   Party
}
