package i18n

// FieldTrue is how a logical (SX3 type L) contract field reads when true.
const FieldTrue = "Sim"

// FieldFalse is how a logical (SX3 type L) contract field reads when false.
const FieldFalse = "Não"
