"""United States, Canada and Brazil."""

from __future__ import annotations

from seeds.generator.geo import Country, city, forms, words

US = Country(
    code="US",
    names=words("US|USA|United States|United States of America|U.S.A."),
    currency="USD",
    legal_entity="US01",
    weight=0.21,
    calling_code="1",
    trunk="1",
    nsn_length=10,
    street_format="{n} {s}",
    tld="com",
    free_mail=words("gmail.com|yahoo.com|aol.com|outlook.com|comcast.net"),
    legal_forms=forms(
        (0.45, "Inc.|Inc|Incorporated|INC"),
        (0.3, "LLC|L.L.C.|Llc"),
        (0.2, "Corporation|Corp.|Corp|CORP"),
        (0.05, "Co.|Company|Co"),
    ),
    stems=words(
        "Summit|Blue Ridge|Redwood|Liberty|Keystone|Granite|Lakeshore|Pioneer|Evergreen|Harbor|"
        "Ironclad|Crescent|Frontier|Silverline|Cascade|Northstar|Meridian|Sterling|Whitaker|"
        "Brennan|Caldwell|Hollister|Bayview|Prairie|Copperfield|Magnolia|Atlas|Beacon"
    ),
    descriptors=words(
        "Technologies|Health Systems|Financial Group|Logistics|Manufacturing|Energy|Insurance|"
        "Capital Partners|Retail|Pharmaceuticals|Industries|Software|Media|Foods|Analytics|"
        "International|Holdings|Labs|Consulting Group|Solutions"
    ),
    cities=(
        city(
            "New York|NY|New York|100##|212|Broadway;Park Avenue;Madison Avenue|NYC;New York City"
        ),
        city(
            "San Francisco|CA|California|941##|415|Market Street;Mission Street;Battery Street|SF"
        ),
        city("Chicago|IL|Illinois|606##|312|North Wacker Drive;West Madison Street;LaSalle Street"),
        city("Austin|TX|Texas|787##|512|Congress Avenue;West 6th Street;Lavaca Street"),
        city("Boston|MA|Massachusetts|021##|617|Boylston Street;State Street;Summer Street"),
        city("Seattle|WA|Washington|981##|206|Pine Street;5th Avenue;Western Avenue"),
        city("Atlanta|GA|Georgia|303##|404|Peachtree Street NE;Spring Street NW;West Peachtree"),
        city("Denver|CO|Colorado|802##|303|17th Street;Larimer Street;Blake Street"),
    ),
)

CA = Country(
    code="CA",
    names=words("CA|Canada|CAN|Kanada"),
    currency="CAD",
    legal_entity="CA01",
    weight=0.04,
    calling_code="1",
    trunk="1",
    nsn_length=10,
    street_format="{n} {s}",
    tld="ca",
    free_mail=words("gmail.com|hotmail.ca|outlook.com|sympatico.ca|yahoo.ca"),
    legal_forms=forms(
        (0.5, "Inc.|Inc|Incorporated"),
        (0.3, "Ltd.|Ltd|Limited|Ltée"),
        (0.2, "Corp.|Corporation|Corp"),
    ),
    stems=words(
        "Maple|Northern Lights|Laurentian|Boreal|Muskoka|Cascadia|Caribou|Tundra|Fraser|"
        "Algonquin|Glacier|Kootenay|Birchwood|Red River|Saint-Laurent|Québec Nord"
    ),
    descriptors=words(
        "Resources|Energy|Financial|Technologies|Forest Products|Mining|Logistics|"
        "Telecommunications|Insurance|Retail|Construction|Consulting"
    ),
    cities=(
        city("Toronto|ON|Ontario|M5V #@#|416|Bay Street;King Street West;Front Street West"),
        city("Vancouver|BC|British Columbia|V6B #@#|604|Howe Street;West Georgia Street;Burrard"),
        city(
            "Montréal|QC|Québec|H3B #@#|514|Rue Sainte-Catherine Ouest;Boulevard René-Lévesque"
            "|Montreal"
        ),
        city("Calgary|AB|Alberta|T2P #@#|403|8 Avenue SW;Centre Street;4 Avenue SW"),
        city("Ottawa|ON|Ontario|K1P #@#|613|Sparks Street;Queen Street;Bank Street"),
    ),
)

BR = Country(
    code="BR",
    names=words("BR|Brazil|Brasil|BRA"),
    currency="BRL",
    legal_entity="BR01",
    weight=0.03,
    calling_code="55",
    trunk="",
    nsn_length=10,
    street_format="{s}, {n}",
    tld="com.br",
    free_mail=words("gmail.com|hotmail.com|uol.com.br|bol.com.br|terra.com.br"),
    legal_forms=forms((0.65, "Ltda.|Ltda|LTDA|Limitada"), (0.35, "S.A.|SA|S/A")),
    stems=words(
        "São Jorge|Conceição|Ipanema|Paraná|Araucária|Cerrado|Guanabara|Tupã|Jequitibá|"
        "Itaú Norte|Amazônia|Pantanal|Mantiqueira|Serra Azul|Aurora"
    ),
    descriptors=words(
        "Logística|Tecnologia|Engenharia|Alimentos|Serviços Financeiros|Construções|"
        "Comércio|Energia|Seguros|Consultoria|Indústria"
    ),
    cities=(
        city(
            "São Paulo|SP|São Paulo|01###-###|11|Avenida Paulista;Rua Oscar Freire;Avenida "
            "Brigadeiro Faria Lima|Sao Paulo;S. Paulo"
        ),
        city(
            "Rio de Janeiro|RJ|Rio de Janeiro|20###-###|21|Avenida Rio Branco;Rua da "
            "Assembleia;Praia de Botafogo|Rio"
        ),
        city("Belo Horizonte|MG|Minas Gerais|30###-###|31|Avenida Afonso Pena;Rua da Bahia"),
        city("Curitiba|PR|Paraná|80###-###|41|Rua XV de Novembro;Avenida Sete de Setembro"),
        city(
            "Porto Alegre|RS|Rio Grande do Sul|90###-###|51|Avenida Borges de Medeiros;Rua "
            "dos Andradas"
        ),
    ),
)
