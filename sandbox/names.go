package sandbox

// Name lists weighted roughly like the IBGE 2010 census, so common-name searches hit many rows.
var (
	femaleNames = newWeighted(
		"Maria", 300, "Ana", 120, "Francisca", 30, "Antônia", 25, "Adriana", 20, "Juliana", 20, "Márcia", 18,
		"Fernanda", 18, "Patrícia", 17, "Aline", 17, "Sandra", 15, "Camila", 15, "Amanda", 14, "Bruna", 14,
		"Jéssica", 14, "Letícia", 13, "Júlia", 13, "Luciana", 12, "Vanessa", 12, "Mariana", 12, "Gabriela", 12,
		"Vera", 10, "Vitória", 10, "Larissa", 10, "Cláudia", 10, "Beatriz", 10, "Luana", 9, "Rita", 9,
		"Sônia", 9, "Renata", 9, "Eliane", 9, "Josefa", 9, "Simone", 8, "Natália", 8, "Cristiane", 8,
		"Carla", 8, "Débora", 8, "Rosângela", 7, "Jaqueline", 7, "Rosa", 7, "Daniela", 7, "Aparecida", 7,
		"Raimunda", 7, "Lúcia", 7, "Fabiana", 6, "Sophia", 6, "Helena", 6, "Alice", 6, "Valentina", 5,
		"Laura", 5, "Isabela", 5, "Manuela", 5, "Luíza", 5, "Heloísa", 5, "Lorena", 4, "Cecília", 4,
		"Conceição", 4, "Terezinha", 4, "Joana", 4, "Tatiane", 4, "Priscila", 4, "Rafaela", 4, "Thaís", 4,
	)
	maleNames = newWeighted(
		"José", 250, "João", 130, "Antônio", 100, "Francisco", 65, "Carlos", 60, "Paulo", 55, "Pedro", 50,
		"Lucas", 45, "Luiz", 45, "Marcos", 42, "Luís", 30, "Gabriel", 30, "Rafael", 28, "Daniel", 25,
		"Marcelo", 25, "Bruno", 24, "Eduardo", 23, "Felipe", 22, "Raimundo", 20, "Rodrigo", 20, "Manoel", 18,
		"Mateus", 17, "André", 17, "Fernando", 16, "Fábio", 16, "Leonardo", 15, "Gustavo", 15, "Guilherme", 15,
		"Leandro", 13, "Tiago", 13, "Anderson", 12, "Ricardo", 12, "Márcio", 12, "Jorge", 12, "Sebastião", 11,
		"Alexandre", 11, "Roberto", 11, "Edson", 10, "Diego", 10, "Vitor", 10, "Sérgio", 10, "Cláudio", 9,
		"Matheus", 9, "Thiago", 9, "Geraldo", 9, "Adriano", 8, "Luciano", 8, "Júlio", 8, "Renato", 8,
		"Alex", 7, "Vinícius", 7, "Rogério", 7, "Samuel", 7, "Ronaldo", 7, "Mário", 7, "Flávio", 6,
		"Douglas", 6, "Igor", 6, "Davi", 6, "Arthur", 6, "Heitor", 5, "Bernardo", 5, "Miguel", 5,
		"Enzo", 5, "Henrique", 5, "Otávio", 4, "Caio", 4, "Hernandes", 2, "Patrick", 2,
	)
	surnames = newWeighted(
		"Silva", 300, "Santos", 200, "Oliveira", 140, "Souza", 120, "Rodrigues", 80, "Ferreira", 80,
		"Alves", 80, "Pereira", 75, "Lima", 70, "Gomes", 65, "Costa", 60, "Ribeiro", 60, "Martins", 55,
		"Carvalho", 55, "Almeida", 50, "Lopes", 45, "Soares", 45, "Fernandes", 45, "Vieira", 40,
		"Barbosa", 40, "Rocha", 38, "Dias", 38, "Nascimento", 36, "Andrade", 35, "Moreira", 34,
		"Nunes", 33, "Marques", 32, "Machado", 31, "Mendes", 30, "Freitas", 30, "Cardoso", 29,
		"Ramos", 28, "Gonçalves", 28, "Santana", 27, "Teixeira", 26, "Araújo", 26, "Melo", 25,
		"Conceição", 22, "Moura", 22, "Cavalcanti", 20, "Monteiro", 20, "Pinto", 19, "Correia", 19,
		"Batista", 18, "Castro", 18, "Cunha", 17, "Campos", 17, "Farias", 16, "Azevedo", 15, "Cabral", 14,
		"Brandão", 13, "Magalhães", 12, "Assunção", 10, "Delmaschio", 3, "Figueiredo", 12, "Peixoto", 10,
		"Queiroz", 10, "Xavier", 10, "Sampaio", 9, "Leão", 8, "Guimarães", 12, "Tavares", 12, "Coelho", 12,
	)
	// middleFemale/middleMale are second given names ("Maria Aparecida", "João Pedro").
	middleFemale = newWeighted("Aparecida", 10, "Eduarda", 8, "Clara", 8, "Luiza", 6, "Fernanda", 6,
		"Cristina", 6, "Helena", 5, "Vitória", 5, "Beatriz", 4, "Sophia", 4, "de Fátima", 6, "José", 2)
	middleMale = newWeighted("Pedro", 10, "Carlos", 8, "Paulo", 8, "Henrique", 8, "Eduardo", 6,
		"Gabriel", 6, "Vitor", 5, "Miguel", 5, "Luiz", 5, "Antônio", 5, "Augusto", 4, "Roberto", 4)

	emailDomains = newWeighted("gmail.com", 55, "hotmail.com", 18, "outlook.com", 8, "yahoo.com.br", 7,
		"uol.com.br", 4, "bol.com.br", 3, "terra.com.br", 2, "icloud.com", 3)

	streets = []string{"RUA DAS FLORES", "AVENIDA BRASIL", "RUA SETE DE SETEMBRO", "RUA DOM PEDRO II",
		"AVENIDA GETÚLIO VARGAS", "RUA TIRADENTES", "RUA SÃO JOÃO", "AVENIDA PAULISTA", "RUA DA CONSOLAÇÃO",
		"RUA QUINZE DE NOVEMBRO", "AVENIDA BEIRA MAR", "RUA SANTA LUZIA", "RUA DO COMÉRCIO", "TRAVESSA DA PAZ",
		"RUA JOSÉ BONIFÁCIO", "AVENIDA JOÃO PESSOA", "RUA MARECHAL DEODORO", "RUA RIO BRANCO"}
	neighbourhoods = []string{"CENTRO", "JARDIM AMÉRICA", "VILA NOVA", "SANTA MÔNICA", "BOA VISTA", "SÃO JOSÉ",
		"JARDIM DAS ACÁCIAS", "PRAIA DA COSTA", "LIBERDADE", "BELA VISTA", "PARQUE INDUSTRIAL", "CAMPO GRANDE"}
	cities = []struct{ name, uf, ddd string }{{"SÃO PAULO", "SP", "11"}, {"RIO DE JANEIRO", "RJ", "21"},
		{"BELO HORIZONTE", "MG", "31"}, {"CURITIBA", "PR", "41"}, {"PORTO ALEGRE", "RS", "51"},
		{"BRASÍLIA", "DF", "61"}, {"SALVADOR", "BA", "71"}, {"RECIFE", "PE", "81"}, {"FORTALEZA", "CE", "85"},
		{"VITÓRIA", "ES", "27"}, {"VILA VELHA", "ES", "27"}, {"FLORIANÓPOLIS", "SC", "48"}, {"GOIÂNIA", "GO", "62"},
		{"BELÉM", "PA", "91"}, {"MANAUS", "AM", "92"}, {"CAMPINAS", "SP", "19"}, {"SANTOS", "SP", "13"},
		{"JOINVILLE", "SC", "47"}, {"NATAL", "RN", "84"}, {"SÃO LUÍS", "MA", "98"}, {"CUIABÁ", "MT", "65"}}

	// companyWords build fictional company names: "<first> <second> LTDA".
	companyFirst  = []string{"PADARIA", "TRANSPORTES", "CONSTRUTORA", "METALÚRGICA", "SUPERMERCADO", "FARMÁCIA", "LOGÍSTICA", "TECNOLOGIA"}
	companySecond = []string{"BOA ESPERANÇA", "CAPIXABA", "SOL NASCENTE", "VALE VERDE", "PORTO SEGURO", "ESTRELA DO SUL"}

	// individualPlans are fictional individual/family plan names.
	individualPlans = []struct{ code, name string }{{"0101", "MS PLATINUM"}, {"0102", "MS GOLD"},
		{"0103", "MS SILVER"}, {"0104", "MS BRONZE"}, {"0201", "VIDA MAIS 200 ENFERMARIA"},
		{"0202", "VIDA MAIS 400 APARTAMENTO"}, {"0301", "SAÚDE TOTAL 300 QC REGIONAL"},
		{"0302", "SAÚDE TOTAL 500 QP NACIONAL"}, {"0401", "ESSENCIAL 100 ENFERMARIA ESTADUAL"}}
	companyPlans = []struct{ code, name string }{{"1001", "EMPRESARIAL 200 QC NACIONAL"},
		{"1002", "EMPRESARIAL 400 QP NACIONAL"}, {"1003", "EMPRESARIAL ESSENCIAL ENFERMARIA"}}
	dentalPlan = struct{ code, name string }{"5001", "MS ODONTO"}
)
