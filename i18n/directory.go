package i18n

import (
	"fmt"
	"strings"
)

// Texts of the beneficiary directory and its CSV import (packages directory and directory/csvimport). Bad-row
// reasons are shown next to the line number in the import report, so each says what to fix in the file.

// ImportColumnCount is the reason of a row whose number of columns differs from the header's.
func ImportColumnCount(got, want int) string {
	return fmt.Sprintf("a linha tem %d colunas e o cabeçalho tem %d: confira o separador (; ou ,) e as aspas desta linha", got, want)
}

// ImportMalformed is the reason of a row the CSV reader could not read.
func ImportMalformed(detail string) string {
	return fmt.Sprintf("linha mal formada (%s): confira as aspas desta linha", detail)
}

// ImportNoName is the reason of a row without a name.
const ImportNoName = "nome vazio: preencha a coluna nome"

// ImportNoKey is the reason of a row with none of chaveUnica, CPF or card.
const ImportNoKey = "sem chaveUnica, CPF nem carteirinha: preencha ao menos uma dessas colunas"

// ImportBadDate is the reason of a row whose birth date cannot be read.
func ImportBadDate(v string) string {
	return fmt.Sprintf("data de nascimento inválida %q: use DD/MM/AAAA ou AAAA-MM-DD", v)
}

// ImportBadCPF is the reason of a row whose CPF does not have 11 digits.
func ImportBadCPF(v string) string {
	return fmt.Sprintf("CPF %q deve ter 11 dígitos: corrija ou deixe a coluna vazia", v)
}

// ImportBadCard is the reason of a row whose card does not have 17 digits.
func ImportBadCard(v string) string {
	return fmt.Sprintf("carteirinha %q deve ter 17 dígitos (ex.: 0001.1008.000027.01-0): corrija ou deixe a coluna vazia", v)
}

// ImportHeaderMissing explains a header without the required columns (names as they should appear).
func ImportHeaderMissing(missing []string) string {
	return fmt.Sprintf("o cabeçalho do arquivo não tem a(s) coluna(s) %s: a primeira linha deve nomear as colunas, por exemplo nome;cpf;carteirinha;numero_contrato",
		strings.Join(missing, ", "))
}

// ImportEmptyFile explains an import of a file without even a header.
const ImportEmptyFile = "o arquivo está vazio: exporte os beneficiários em CSV com uma linha de cabeçalho"

// ImportKeyOrColumns names the alternative key columns in ImportHeaderMissing.
const ImportKeyOrColumns = "chaveUnica, cpf ou carteirinha"

// InfoVersion renders a directory file's version for balcao info: its format (layout) and the version of the
// search ordering its rank keys were given by.
func InfoVersion(layout, ranking int) string {
	return fmt.Sprintf("formato %d, ordenação %d", layout, ranking)
}

// InfoDirectoryCurrent describes a directory file of the version this build writes.
func InfoDirectoryCurrent(version string, n int) string {
	return fmt.Sprintf("%s; %d beneficiários", version, n)
}

// InfoDirectoryRebuild describes a directory file of another version, which opening rebuilds.
func InfoDirectoryRebuild(version, want string, n int) string {
	return fmt.Sprintf("%s; %d beneficiários; será reconstruído a partir dos próprios registros ao ser aberto (esta versão do balcão usa %s)",
		version, n, want)
}

// InfoDirectoryTooNew describes a directory file written by a newer balcão, which this one refuses.
func InfoDirectoryTooNew(version, want string) string {
	return fmt.Sprintf("%s: gravado por uma versão mais nova do balcão, que esta (%s) não abre; atualize o balcão", version, want)
}

// InfoDirectoryUnreadable says the directory file could not be read, and why.
func InfoDirectoryUnreadable(err error) string {
	return fmt.Sprintf("não foi possível ler: %v", err)
}
