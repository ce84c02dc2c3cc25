"""Spain, Italy and Sweden."""

from __future__ import annotations

from seeds.generator.geo import Country, city, forms, words

ES = Country(
    code="ES",
    names=words("ES|Spain|España|Espana|ESP"),
    currency="EUR",
    legal_entity="ES01",
    weight=0.04,
    calling_code="34",
    trunk="",
    nsn_length=9,
    street_format="{s}, {n}",
    tld="es",
    free_mail=words("gmail.com|hotmail.es|telefonica.net|yahoo.es|outlook.es"),
    legal_forms=forms(
        (0.6, "S.L.|SL|S.L|Sociedad Limitada"),
        (0.4, "S.A.|SA|Sociedad Anónima"),
    ),
    stems=words(
        "Peñalara|Cañada Real|Iberia Norte|Guadalquivir|Montserrat|Alhambra|Sierra Nevada|"
        "Tajo|Castellana|Mediterránea|Albufera|Cantábrico|Duero"
    ),
    descriptors=words(
        "Logística|Construcciones|Seguros|Consultoría|Ingeniería|Alimentación|Energía|"
        "Tecnología|Distribución|Inmobiliaria"
    ),
    cities=(
        city(
            "Madrid|MD|Comunidad de Madrid|280##|91|Calle de Alcalá;Paseo de la Castellana;"
            "Calle de Serrano"
        ),
        city("Barcelona|CT|Cataluña|080##|93|Avinguda Diagonal;Passeig de Gràcia;Carrer de Balmes"),
        city("Valencia|VC|Comunidad Valenciana|460##|96|Calle Colón;Avenida del Puerto|València"),
        city("Sevilla|AN|Andalucía|410##|95|Avenida de la Constitución;Calle Sierpes|Seville"),
        city(
            "Bilbao|PV|País Vasco|480##|94|Gran Vía de Don Diego López de Haro;Alameda de Recalde"
        ),
    ),
)

IT = Country(
    code="IT",
    names=words("IT|Italy|Italia|ITA"),
    currency="EUR",
    legal_entity="ES01",
    weight=0.04,
    calling_code="39",
    trunk="",
    nsn_length=10,
    street_format="{s} {n}",
    tld="it",
    free_mail=words("libero.it|virgilio.it|gmail.com|tiscali.it|alice.it"),
    legal_forms=forms(
        (0.5, "S.p.A.|SpA|SPA|S.P.A.|Società per Azioni"),
        (0.5, "S.r.l.|Srl|SRL|S.R.L."),
    ),
    stems=words(
        "Ferretti|Lombardi|Città Alta|Adriatica|Dolomiti|Vesuvio|Brenta|Sforzesca|Aurelia|"
        "Toscana Verde|Perù Nord|Colombo|Galileo|Medici"
    ),
    descriptors=words(
        "Costruzioni|Assicurazioni|Alimentari|Meccanica|Logistica|Informatica|Energia|"
        "Farmaceutici|Moda|Servizi"
    ),
    cities=(
        city("Milano|MI|Lombardia|201##|02|Via Montenapoleone;Corso Buenos Aires;Via Dante|Milan"),
        city("Roma|RM|Lazio|001##|06|Via del Corso;Via Nazionale;Via Veneto|Rome"),
        city("Torino|TO|Piemonte|101##|011|Via Roma;Corso Vittorio Emanuele II|Turin"),
        city("Bologna|BO|Emilia-Romagna|401##|051|Via Indipendenza;Via Rizzoli"),
        city("Napoli|NA|Campania|801##|081|Via Toledo;Via Chiaia|Naples"),
    ),
)

SE = Country(
    code="SE",
    names=words("SE|Sweden|Sverige|SWE"),
    currency="SEK",
    legal_entity="NL01",
    weight=0.03,
    calling_code="46",
    trunk="0",
    nsn_length=9,
    street_format="{s} {n}",
    tld="se",
    free_mail=words("gmail.com|telia.com|hotmail.se|outlook.com|bredband.net"),
    legal_forms=forms((0.85, "AB|Aktiebolag|A.B."), (0.15, "AB (publ)|AB publ|AB")),
    stems=words(
        "Älvsborg|Skärgård|Norrström|Fjällvind|Björkö|Öresund|Vänern|Lindqvist|Sjöberg|"
        "Kungsholm|Gotland|Vasa"
    ),
    descriptors=words(
        "Logistik|Konsult|Bygg|Försäkring|Teknik|Data|Energi|Handel|Fastigheter|Medicin"
    ),
    cities=(
        city("Stockholm|AB|Stockholms län|111 ##|8|Drottninggatan;Kungsgatan;Sveavägen"),
        city(
            "Göteborg|O|Västra Götalands län|411 ##|31|Kungsportsavenyen;Östra Hamngatan"
            "|Gothenburg;Goteborg;Goeteborg"
        ),
        city("Malmö|M|Skåne län|211 ##|40|Stortorget;Södra Förstadsgatan|Malmo;Malmoe"),
        city("Uppsala|C|Uppsala län|753 ##|18|Kungsängsgatan;Svartbäcksgatan"),
    ),
)
