package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidCPF(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"529.982.247-25", true},
		{"52998224725", true},
		{"235.764.830-98", true}, // TDN sample
		{"133.315.847-54", true}, // Mosia sample
		{"123.456.789-09", true},
		{" 123.456.789-09 ", true},
		{"111.111.111-11", false}, // all digits equal
		{"00000000000", false},
		{"15846772777", false}, // chaveUnica of Mosia's buscaBeneficiarios example: check digits fail
		{"529.982.247-26", false},
		{"5299822472", false},
		{"529982247250", false},
		{"529x982.247-25", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, ValidCPF(tt.in))
		})
	}
}

func TestFormatCPF(t *testing.T) {
	assert.Equal(t, "235.764.830-98", FormatCPF("23576483098"))
	assert.Equal(t, "235.764.830-98", FormatCPF("235.764.830-98"))
	assert.Equal(t, "1234", FormatCPF("1234"))
}

func TestCard(t *testing.T) {
	d, ok := NormalizeCard("0001.1008.000027.01-0")
	require.True(t, ok)
	assert.Equal(t, "00011008000027010", d)
	p, ok := SplitCard("00011008000027010")
	require.True(t, ok)
	assert.Equal(t, CardParts{"0001", "1008", "000027", "01", "0"}, p)
	assert.Equal(t, "0001.1008.000027.01-0", FormatCard("00011008000027010"))
	assert.Equal(t, "00011008000027", FamilyPrefix("00011008000027028"))
	assert.Equal(t, "123", FamilyPrefix("123"))
	for _, bad := range []string{"0001100800002701", "000110080000270100", "0001a1008000027010", ""} {
		_, ok := NormalizeCard(bad)
		assert.False(t, ok, bad)
		assert.Equal(t, bad, FormatCard(bad))
	}
}

func TestPhone(t *testing.T) {
	tests := []struct {
		in, want, formatted string
		ok                  bool
	}{
		{"(11) 98765-4321", "11987654321", "(11) 98765-4321", true},
		{"+55 11 98765-4321", "11987654321", "(11) 98765-4321", true},
		{"5511987654321", "11987654321", "(11) 98765-4321", true},
		{"011 98765-4321", "11987654321", "(11) 98765-4321", true},
		{"(27) 3345-6789", "2733456789", "(27) 3345-6789", true},
		{"27997981966", "27997981966", "(27) 99798-1966", true}, // telefone of Mosia's create-occurrence example
		{"98765-4321", "987654321", "98765-4321", true},         // without DDD
		{"3456-7890", "34567890", "3456-7890", true},
		{"(00) 98765-4321", "", "", false}, // DDDs never start with 0
		{"1234567", "", "", false},
		{"0 27 3345-6789", "2733456789", "(27) 3345-6789", true}, // trunk 0 before the DDD
		{"00000(0000", "", "", false},                            // local numbers never start with 0
		{"(10) 98765-4321", "", "", false},
		{"119876543210", "", "", false},
		{"11 98765-432a", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := NormalizePhone(tt.in)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
			if ok {
				assert.Equal(t, tt.formatted, FormatPhone(got))
			}
		})
	}
	assert.Equal(t, "12", FormatPhone("12"))
}

func TestMasks(t *testing.T) {
	assert.Equal(t, "***.764.830-**", MaskCPF("235.764.830-98"))
	assert.Equal(t, "**45", MaskCPF("2345"))
	assert.Equal(t, "*********21", MaskPhone("(11) 98765-4321"))
	assert.Equal(t, "J*** P****", MaskName("João Pedro"))
	assert.Equal(t, "e******@mobilesaude.com.br", MaskEmail("everson@mobilesaude.com.br"))
	assert.Equal(t, "******", MaskEmail("nomail"))
	assert.Equal(t, "*********98", MaskTerm("235.764.830-98"))
	assert.Equal(t, "m**** s****", MaskTerm("maria silva"))
	assert.Equal(t, "**", MaskTerm("12"))
}

func FuzzValidCPF(f *testing.F) {
	for _, s := range []string{"529.982.247-25", "23576483098", "111.111.111-11", "15846772777", "", "1.2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := ValidCPF(s)
		formatted := FormatCPF(s)
		d := Digits(s)
		if valid {
			require.Len(t, d, 11)
			require.Equal(t, d[:3]+"."+d[3:6]+"."+d[6:9]+"-"+d[9:], formatted)
			require.True(t, ValidCPF(formatted), "formatted CPF stays valid")
			require.True(t, ValidCPF(d), "bare digits stay valid")
			require.Equal(t, formatted, FormatCPF(formatted))
			require.Equal(t, "***."+d[3:6]+"."+d[6:9]+"-**", MaskCPF(s))
		}
		if len(d) == 11 {
			require.Equal(t, ValidCPF(d), ValidCPF(FormatCPF(d)), "formatting never changes validity")
			require.Equal(t, d, Digits(FormatCPF(d)))
		} else {
			require.False(t, valid)
			require.Equal(t, s, formatted)
		}
	})
}

func TestNormalizeChave(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"  ":                    "",
		" 235.764.830-98 ":      "23576483098",
		"23576483098":           "23576483098",
		"123/456-7":             "1234567",
		"Ana@Example.COM":       "ana@example.com",
		" ABC-123 ":             "ABC-123",
		"158.467.727-77":        "15846772777", // a CPF-shaped key whose check digits fail keeps its digits too
		"everson@mobilesaude.x": "everson@mobilesaude.x",
	} {
		assert.Equal(t, want, NormalizeChave(in), "%q", in)
	}
}

func TestIdentifierKeys(t *testing.T) {
	full, local := PhoneKeys("(11) 98765-4321")
	assert.Equal(t, [2]string{"11987654321", "987654321"}, [2]string{full, local})
	full, local = PhoneKeys("98765-4321")
	assert.Equal(t, [2]string{"987654321", "987654321"}, [2]string{full, local})
	full, local = PhoneKeys("")
	assert.Equal(t, [2]string{"", ""}, [2]string{full, local})
	full, _ = PhoneKeys("ramal 12")
	assert.Equal(t, "12", full, "an unreadable phone keeps its digits")

	assert.Equal(t, "123123321", MatriculaKey("123-123-321"))
	assert.Equal(t, "ab12", MatriculaKey(" Á.b-12 "))
	assert.Equal(t, "1", ContractKey("0000001"))
	assert.Equal(t, "0", ContractKey("000"))
	assert.Equal(t, "A-01", ContractKey(" A-01 "))
	assert.Equal(t, "", ContractKey("  "))

	d, ok := DocumentDigits("529.982.247/25")
	assert.True(t, ok)
	assert.Equal(t, "52998224725", d)
	_, ok = DocumentDigits("529x982")
	assert.False(t, ok)
	assert.True(t, CPFShaped("158.467.727-77"))
	assert.False(t, CPFShaped("158.467.727"))
}
