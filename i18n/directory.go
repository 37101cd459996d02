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

// ImportCellTooLong is the reason of a row with a cell longer than the limit (bytes), in a column the import reads.
func ImportCellTooLong(column string, size, limit int) string {
	return fmt.Sprintf("a coluna %s tem %d bytes, mais que o limite de %d (%s): encurte o valor ou confira se as aspas desta linha fecham",
		column, size, limit, Size(int64(limit)))
}

// ImportNameTooLong is the reason of a row whose name has more characters than the limit.
func ImportNameTooLong(n, limit int) string {
	return fmt.Sprintf("o nome tem %d caracteres, mais que o limite de %d: confira a coluna nome desta linha", n, limit)
}

// ImportRecordTooLong is the reason of a row longer than the limit (bytes), which was skipped unread.
func ImportRecordTooLong(limit, cell int) string {
	return fmt.Sprintf("a linha passa de %s (nenhuma coluna pode passar de %s): confira se as aspas fecham e corrija esta linha",
		Size(int64(limit)), Size(int64(cell)))
}

// ImportLongHeader explains a file whose first line does not end within 64 KiB.
const ImportLongHeader = "a primeira linha do arquivo (o cabeçalho) passa de 64 KiB: confira se é um CSV, com uma linha de cabeçalho que nomeia as colunas"

// ImportNoGoodRows explains an import refused because no row could be imported (bad: how many were bad).
func ImportNoGoodRows(bad int) string {
	if bad == 0 {
		return "o arquivo só tem o cabeçalho, nenhum beneficiário: nada foi importado e o diretório não mudou; confira a exportação"
	}
	return Plural(bad, "a única linha do arquivo tem problema", "nenhuma das %d linhas do arquivo pôde ser importada") +
		": nada foi importado e o diretório não mudou; corrija o arquivo e importe de novo"
}

// ImportTooManyRows explains an import refused because one chaveUnica (masked) fills more rows than any
// beneficiary could.
func ImportTooManyRows(chave string) string {
	return "a chave única/CPF " + chave + " aparece em mais de 100.000 linhas do arquivo: nada foi alterado; confira a exportação"
}

// ImportShrink explains a replacing import refused because the file has less than half the directory's
// beneficiaries.
func ImportShrink(want, have int) string {
	return fmt.Sprintf("o arquivo deixaria o diretório com %d beneficiários, menos da metade dos %d de hoje: nada foi alterado. "+
		"Confira se a exportação veio inteira; se a redução é mesmo esperada, importe de novo com --allow-shrink", want, have)
}

// ImportConflict describes a row dropped because the file's last row of the same chaveUnica (the CPF unless
// the file gives one; masked) has another name.
func ImportConflict(line, kept int, chave string) string {
	return fmt.Sprintf("  linhas %d e %d: mesmo CPF/chave única %s com nomes diferentes; ficou a linha %d (a última), a linha %d não foi importada\n",
		line, kept, chave, kept, line)
}

// Size renders a file or text size in bytes as pt-BR: "512 B", "12,3 KB", "1,5 GB" (units of 1,024).
func Size(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n)/1024, "KB"
	for _, u := range []string{"MB", "GB", "TB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	s := strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1)
	return strings.TrimSuffix(s, ",0") + " " + unit
}

// ImportKeyOrColumns names the alternative key columns in ImportHeaderMissing.
const ImportKeyOrColumns = "chaveUnica, cpf ou carteirinha"

// Rows of balcao info about the files' sizes.
const (
	// InfoDirectorySize labels the directory file's size.
	InfoDirectorySize = "Tamanho do diretório"
	// InfoOutboxSize labels the outbox file's size.
	InfoOutboxSize = "Tamanho das pendências"
	// InfoAccessRecord labels the access record's file.
	InfoAccessRecord = "Registro de acessos"
	// InfoAccessRecordSize labels the access record's size.
	InfoAccessRecordSize = "Tamanho do registro de acessos"
	// InfoFileMissing says a file does not exist (yet).
	InfoFileMissing = "—"
)

// InfoFileSize renders an SQLite file's size and its WAL's (pending writes), in pt-BR.
func InfoFileSize(file, wal int64) string {
	if wal == 0 {
		return Size(file)
	}
	return fmt.Sprintf("%s (mais %s no WAL, o diário de escrita)", Size(file), Size(wal))
}

// InfoDirectoryWithIndex adds the size of the directory's name index file to its file's (size).
func InfoDirectoryWithIndex(size string, index int64) string {
	return fmt.Sprintf("%s e mais %s do índice de nomes", size, Size(index))
}

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
