"""Australia, India, Singapore and Japan."""

from __future__ import annotations

from seeds.generator.geo import Country, city, forms, words

AU = Country(
    code="AU",
    names=words("AU|Australia|AUS|Aust."),
    currency="AUD",
    legal_entity="AU01",
    weight=0.05,
    calling_code="61",
    trunk="0",
    nsn_length=9,
    street_format="{n} {s}",
    tld="com.au",
    free_mail=words("bigpond.com|gmail.com|optusnet.com.au|outlook.com|hotmail.com"),
    legal_forms=forms(
        (0.8, "Pty Ltd|Pty. Ltd.|PTY LTD|Proprietary Limited|P/L"),
        (0.2, "Ltd|Limited"),
    ),
    stems=words(
        "Southern Cross|Wattle|Coral Coast|Kookaburra|Eucalypt|Harbourside|Red Centre|"
        "Murray|Blue Mountains|Bondi|Gumtree|Jarrah|Tasman|Kimberley"
    ),
    descriptors=words(
        "Mining Services|Logistics|Engineering|Financial Services|Health|Property Group|"
        "Agribusiness|Software|Energy|Consulting"
    ),
    cities=(
        city("Sydney|NSW|New South Wales|20##|2|George Street;Pitt Street;Kent Street"),
        city("Melbourne|VIC|Victoria|30##|3|Collins Street;Bourke Street;Flinders Lane"),
        city("Brisbane|QLD|Queensland|40##|7|Queen Street;Eagle Street;Adelaide Street"),
        city("Perth|WA|Western Australia|60##|8|St Georges Terrace;Hay Street"),
        city("Adelaide|SA|South Australia|50##|8|King William Street;Grenfell Street"),
    ),
)

IN = Country(
    code="IN",
    names=words("IN|India|IND|Bharat"),
    currency="INR",
    legal_entity="IN01",
    weight=0.06,
    calling_code="91",
    trunk="0",
    nsn_length=10,
    street_format="{n}, {s}",
    tld="co.in",
    free_mail=words("gmail.com|yahoo.co.in|rediffmail.com|outlook.com|hotmail.com"),
    legal_forms=forms(
        (0.75, "Private Limited|Pvt Ltd|Pvt. Ltd.|(P) Ltd|PVT LTD"),
        (0.25, "Limited|Ltd|Ltd."),
    ),
    stems=words(
        "Sahyadri|Kaveri|Ganga|Lakshmi|Arya|Vistar|Shree Ganesh|Nilgiri|Saraswati|Indus Valley|"
        "Deccan|Narmada|Himalaya|Aravali"
    ),
    descriptors=words(
        "Infotech|Software Solutions|Pharma|Textiles|Engineering|Logistics|Finance|"
        "Industries|Consultancy Services|Agro"
    ),
    cities=(
        city(
            "Mumbai|MH|Maharashtra|4000##|22|Nariman Point;Bandra Kurla Complex;Lower Parel|Bombay"
        ),
        city(
            "Bengaluru|KA|Karnataka|5600##|80|MG Road;Whitefield Main Road;Outer Ring Road"
            "|Bangalore"
        ),
        city("New Delhi|DL|Delhi|1100##|11|Connaught Place;Nehru Place;Barakhamba Road|Delhi"),
        city("Pune|MH|Maharashtra|4110##|20|Hinjewadi Phase 1;Senapati Bapat Road;Kharadi"),
        city("Hyderabad|TG|Telangana|5000##|40|HITEC City;Banjara Hills Road No 12"),
        city("Chennai|TN|Tamil Nadu|6000##|44|Anna Salai;Old Mahabalipuram Road|Madras"),
    ),
)

SG = Country(
    code="SG",
    names=words("SG|Singapore|SGP|Republic of Singapore"),
    currency="SGD",
    legal_entity="SG01",
    weight=0.04,
    calling_code="65",
    trunk="",
    nsn_length=8,
    street_format="{n} {s}",
    tld="com.sg",
    free_mail=words("gmail.com|singnet.com.sg|yahoo.com.sg|hotmail.com|outlook.com"),
    legal_forms=forms((0.85, "Pte. Ltd.|Pte Ltd|PTE LTD|Private Limited"), (0.15, "Ltd|Limited")),
    stems=words(
        "Lion City|Merlion|Straits|Orchid|Marina Bay|Kallang|Raffles Quay|Sentosa|Tanjong|"
        "Bukit Timah|Jurong|Pasir Panjang"
    ),
    descriptors=words(
        "Trading|Shipping|Holdings|Technologies|Capital|Logistics|Engineering|Pharma|"
        "Consulting|Resources"
    ),
    cities=(
        city("Singapore|SG|Singapore|0189##|6|Raffles Place;Marina Boulevard;Collyer Quay"),
        city("Singapore|SG|Singapore|0689##|6|Shenton Way;Robinson Road;Cecil Street"),
        city("Singapore|SG|Singapore|2389##|6|Orchard Road;Scotts Road;Paterson Road"),
    ),
)

JP = Country(
    code="JP",
    names=words("JP|Japan|JPN|Nippon"),
    currency="JPY",
    legal_entity="JP01",
    weight=0.04,
    calling_code="81",
    trunk="0",
    nsn_length=9,
    street_format="{n} {s}",
    tld="co.jp",
    free_mail=words("yahoo.co.jp|gmail.com|docomo.ne.jp|nifty.com|outlook.jp"),
    legal_forms=forms(
        (0.85, "K.K.|KK|Kabushiki Kaisha|Co., Ltd.|Corporation"),
        (0.15, "G.K.|GK|Godo Kaisha|LLC"),
    ),
    stems=words(
        "Sakura|Fujimi|Yamato|Tokai|Hikari|Asahi Kogen|Shirakawa|Kaede|Midori|Hoshino|"
        "Takumi|Sumire|Kizuna|Aoba"
    ),
    descriptors=words(
        "Shoji|Seiki|Denki|Kogyo|Systems|Logistics|Pharmaceutical|Trading|Software|Kensetsu"
    ),
    cities=(
        city(
            "Tokyo|Tokyo|Tokyo-to|100-####|3|Marunouchi, Chiyoda-ku;Nishi-Shinjuku, Shinjuku-ku;"
            "Roppongi, Minato-ku"
        ),
        city(
            "Osaka|Osaka|Osaka-fu|530-####|6|Umeda, Kita-ku;Nakanoshima, Kita-ku;Honmachi, Chuo-ku"
        ),
        city(
            "Yokohama|Kanagawa|Kanagawa-ken|220-####|45|Minatomirai, Nishi-ku;Kitasaiwai, Nishi-ku"
        ),
        city("Nagoya|Aichi|Aichi-ken|450-####|52|Meieki, Nakamura-ku;Sakae, Naka-ku"),
        city("Fukuoka|Fukuoka|Fukuoka-ken|810-####|92|Tenjin, Chuo-ku;Hakata Ekimae, Hakata-ku"),
    ),
)
