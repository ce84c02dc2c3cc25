"""United Kingdom, Germany, France, the Netherlands and Switzerland."""

from __future__ import annotations

from seeds.generator.geo import Country, city, forms, words

GB = Country(
    code="GB",
    names=words("GB|UK|United Kingdom|Great Britain|England|U.K."),
    currency="GBP",
    legal_entity="UK01",
    weight=0.13,
    calling_code="44",
    trunk="0",
    nsn_length=10,
    street_format="{n} {s}",
    tld="co.uk",
    free_mail=words("gmail.com|btinternet.com|hotmail.co.uk|outlook.com|yahoo.co.uk"),
    legal_forms=forms(
        (0.7, "Ltd|Ltd.|Limited|LTD"),
        (0.2, "PLC|plc|P.L.C.|Public Limited Company"),
        (0.1, "LLP|L.L.P."),
    ),
    stems=words(
        "Thames|Pennine|Albion|Windsor|Cotswold|Highland|Ashworth|Pemberton|Kingsbridge|"
        "Wessex|Mercia|Hartley|Fairfax|Blackwood|Harrowgate|Severn|Brackenbury|Oakham"
    ),
    descriptors=words(
        "Consulting|Engineering|Insurance|Asset Management|Logistics|Property Services|"
        "Software|Retail Group|Energy|Healthcare|Media|Foods|Capital|Facilities Management"
    ),
    cities=(
        city("London|ENG|England|EC2A #@@|20|Bishopsgate;Finsbury Square;Worship Street"),
        city("London|ENG|England|SE1 #@@|20|Borough High Street;Southwark Street;Tooley Street"),
        city("Manchester|ENG|England|M1 #@@|161|Deansgate;Piccadilly;Portland Street"),
        city("Birmingham|ENG|England|B3 #@@|121|Colmore Row;Newhall Street;Cornwall Street"),
        city("Edinburgh|SCT|Scotland|EH2 #@@|131|George Street;Castle Street;Queen Street"),
        city("Leeds|ENG|England|LS1 #@@|113|Park Row;Wellington Street;East Parade"),
        city("Bristol|ENG|England|BS1 #@@|117|Queen Square;Victoria Street;Temple Way"),
    ),
)

DE = Country(
    code="DE",
    names=words("DE|Germany|Deutschland|GER|Federal Republic of Germany"),
    currency="EUR",
    legal_entity="DE01",
    weight=0.11,
    calling_code="49",
    trunk="0",
    nsn_length=10,
    street_format="{s} {n}",
    tld="de",
    free_mail=words("gmx.de|web.de|t-online.de|gmail.com|freenet.de"),
    legal_forms=forms(
        (0.6, "GmbH|Gmbh|G.m.b.H.|GMBH|Gesellschaft mit beschränkter Haftung"),
        (0.2, "AG|A.G.|Aktiengesellschaft"),
        (0.15, "GmbH & Co. KG|GmbH & Co KG|GmbH u. Co. KG|GmbH + Co. KG"),
        (0.05, "SE|S.E."),
    ),
    stems=words(
        "Nordwind|Müller|Schäfer|Köhler|Grünwald|Weißenburg|Rheinland|Alpenblick|Bergmann|"
        "Lindenhof|Falkenstein|Sonnenfeld|Hansa|Elbtal|Löwenstein|Brückner|Eichenhain|Mainstern"
    ),
    descriptors=words(
        "Logistik|Consulting|Maschinenbau|Versicherung|Technik|Bau|Systeme|Handel|Energie|"
        "Software|Medizintechnik|Automobilzulieferer|Immobilien|Beratung"
    ),
    cities=(
        city("Berlin|BE|Berlin|10###|30|Friedrichstraße;Unter den Linden;Kurfürstendamm"),
        city(
            "München|BY|Bayern|80###|89|Maximilianstraße;Leopoldstraße;Theresienhöhe"
            "|Muenchen;Munich;Munchen"
        ),
        city("Hamburg|HH|Hamburg|20###|40|Mönckebergstraße;Am Sandtorkai;Jungfernstieg"),
        city(
            "Frankfurt am Main|HE|Hessen|60###|69|Mainzer Landstraße;Taunusanlage;Zeil"
            "|Frankfurt;Frankfurt a.M.;Frankfurt/Main"
        ),
        city(
            "Köln|NW|Nordrhein-Westfalen|50###|221|Hohenzollernring;Domkloster;Ehrenstraße"
            "|Koeln;Cologne;Koln"
        ),
        city("Stuttgart|BW|Baden-Württemberg|70###|711|Königstraße;Theodor-Heuss-Straße"),
        city(
            "Düsseldorf|NW|Nordrhein-Westfalen|40###|211|Königsallee;Kaiserswerther Straße"
            "|Duesseldorf;Dusseldorf"
        ),
    ),
)

FR = Country(
    code="FR",
    names=words("FR|France|FRA|République française"),
    currency="EUR",
    legal_entity="FR01",
    weight=0.07,
    calling_code="33",
    trunk="0",
    nsn_length=9,
    street_format="{n} {s}",
    tld="fr",
    free_mail=words("orange.fr|free.fr|wanadoo.fr|gmail.com|laposte.net"),
    legal_forms=forms(
        (0.5, "SAS|S.A.S.|SAS."),
        (0.25, "SARL|S.A.R.L.|Sarl"),
        (0.25, "SA|S.A."),
    ),
    stems=words(
        "Lumière|Étoile du Nord|Géraud|Beaulieu|Clément|Rivière|Mistral|Aubépine|Vercors|"
        "Château Blanc|Hélios|Belle Époque|Marceau|Loire|Sainte-Victoire|Fontaine"
    ),
    descriptors=words(
        "Conseil|Ingénierie|Logistique|Assurances|Distribution|Informatique|Énergie|"
        "Industries|Services|Bâtiment|Santé|Transports"
    ),
    cities=(
        city("Paris|IDF|Île-de-France|750##|1|rue de Rivoli;boulevard Haussmann;avenue de l'Opéra"),
        city(
            "Lyon|ARA|Auvergne-Rhône-Alpes|6900#|4|rue de la République;place Bellecour;quai "
            "Claude Bernard"
        ),
        city("Marseille|PAC|Provence-Alpes-Côte d'Azur|130##|4|La Canebière;rue Paradis"),
        city("Toulouse|OCC|Occitanie|310##|5|rue d'Alsace-Lorraine;allées Jean Jaurès"),
        city("Nantes|PDL|Pays de la Loire|440##|2|rue Crébillon;quai de la Fosse"),
        city("Lille|HDF|Hauts-de-France|590##|3|rue Nationale;rue Esquermoise"),
    ),
)

NL = Country(
    code="NL",
    names=words("NL|Netherlands|The Netherlands|Nederland|Holland"),
    currency="EUR",
    legal_entity="NL01",
    weight=0.06,
    calling_code="31",
    trunk="0",
    nsn_length=9,
    street_format="{s} {n}",
    tld="nl",
    free_mail=words("gmail.com|hotmail.nl|ziggo.nl|kpnmail.nl|outlook.com"),
    legal_forms=forms((0.8, "B.V.|BV|B.V|Besloten Vennootschap"), (0.2, "N.V.|NV|N.V")),
    stems=words(
        "Oranje|Van der Berg|De Vries|Zeeland|Delta|Polder|Tulpenveld|Noordzee|Van Dijk|"
        "Molenaar|Hollandse Brug|Amstel|IJssel|Kroonstad"
    ),
    descriptors=words(
        "Logistiek|Advies|Techniek|Verzekeringen|Bouw|Installatietechniek|Software|Handel|"
        "Energie|Zorg|Groep"
    ),
    cities=(
        city("Amsterdam|NH|Noord-Holland|10## @@|20|Keizersgracht;Herengracht;Gustav Mahlerlaan"),
        city("Rotterdam|ZH|Zuid-Holland|30## @@|10|Coolsingel;Weena;Wilhelminakade"),
        city("Utrecht|UT|Utrecht|35## @@|30|Catharijnesingel;Oudegracht;Croeselaan"),
        city(
            "Den Haag|ZH|Zuid-Holland|25## @@|70|Lange Voorhout;Prinsessegracht;Kneuterdijk"
            "|'s-Gravenhage;The Hague"
        ),
        city("Eindhoven|NB|Noord-Brabant|56## @@|40|Vestdijk;Kennedyplein;Emmasingel"),
    ),
)

CH = Country(
    code="CH",
    names=words("CH|Switzerland|Schweiz|Suisse|Svizzera"),
    currency="CHF",
    legal_entity="CH01",
    weight=0.04,
    calling_code="41",
    trunk="0",
    nsn_length=9,
    street_format="{s} {n}",
    tld="ch",
    free_mail=words("bluewin.ch|gmx.ch|gmail.com|sunrise.ch|hispeed.ch"),
    legal_forms=forms(
        (0.55, "AG|A.G.|Aktiengesellschaft"),
        (0.3, "GmbH|Gmbh|GMBH"),
        (0.15, "SA|S.A.|Société anonyme"),
    ),
    stems=words(
        "Zürcher|Helvetia Nord|Alpstein|Matterhorn|Rigi|Léman|Jungfrau|Säntis|Gotthard|"
        "Edelweiss|Limmat|Aare|Pilatus|Engadin"
    ),
    descriptors=words(
        "Treuhand|Privatbank|Versicherungen|Pharma|Präzisionstechnik|Informatik|Logistik|"
        "Consulting|Immobilien|Medtech"
    ),
    cities=(
        city("Zürich|ZH|Zürich|80##|44|Bahnhofstrasse;Paradeplatz;Talstrasse|Zurich;Zuerich"),
        city(
            "Genève|GE|Genève|12##|22|Rue du Rhône;Quai du Mont-Blanc;Rue de la Corraterie"
            "|Geneva;Geneve;Genf"
        ),
        city("Basel|BS|Basel-Stadt|40##|61|Aeschenvorstadt;Elisabethenstrasse;Steinengraben|Bâle"),
        city("Bern|BE|Bern|30##|31|Bundesplatz;Marktgasse;Schwanengasse|Berne"),
        city("Lausanne|VD|Vaud|10##|21|Avenue de la Gare;Rue du Grand-Chêne"),
    ),
)
