"""The corruption model is really in the committed files, in the amounts seeds/README.md states."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from itertools import combinations

from tests.seeds.files import SYSTEMS, key, read, records, truth

FREE_MAIL = {
    "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "gmx.de", "web.de",
    "t-online.de", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "btinternet.com",
    "hotmail.co.uk", "yahoo.co.uk", "aol.com", "comcast.net", "bigpond.com", "libero.it",
    "virgilio.it", "rediffmail.com", "yahoo.co.jp", "bluewin.ch", "telia.com", "uol.com.br",
}  # fmt: skip


def _entity(row: dict[str, str]) -> str:
    return truth("customers")[key(row)]


def _domain(row: dict[str, str]) -> str:
    site = re.sub(r"^https?://", "", row["website"].lower()).removeprefix("www.").split("/")[0]
    if site:
        return site
    mail = row["email"].lower().rpartition("@")[2]
    return "" if mail in FREE_MAIL else mail


def _by_entity(entity: str) -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in records(entity):
        groups[truth(entity)[key(row)]].append(row)
    return groups


def test_sister_companies_share_a_domain_but_not_a_tax_id() -> None:
    by_domain: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in records("customers"):
        if _domain(row) and row["tax_id"]:
            by_domain[_domain(row)].append(row)
    pairs = {
        tuple(sorted((_entity(a), _entity(b))))
        for rows in by_domain.values()
        for a, b in combinations(rows, 2)
        if _entity(a) != _entity(b) and a["tax_id"] != b["tax_id"]
    }
    assert len(pairs) >= 10


def test_business_accounts_carry_personal_free_mail_addresses() -> None:
    free = [r for r in records("customers") if r["email"].lower().rpartition("@")[2] in FREE_MAIL]
    assert len(free) >= 30
    assert {r["source_system"] for r in free} == set(SYSTEMS)


def test_a_switchboard_number_is_shared_by_three_distinct_customers() -> None:
    entities_by_line: dict[str, set[str]] = defaultdict(set)
    for row in records("customers"):
        digits = re.sub(r"\D", "", row["phone"].split(" x")[0].split(" ext")[0])
        if len(digits) >= 8:
            entities_by_line[digits[-8:]].add(_entity(row))
    assert max(len(found) for found in entities_by_line.values()) >= 3


def test_the_crm_holds_internal_duplicates() -> None:
    counts: dict[str, int] = defaultdict(int)
    for row in read("data/crm/customers.csv"):
        counts[_entity(row)] += 1
    assert sum(1 for n in counts.values() if n > 1) >= 15


def test_cross_system_crm_ids_are_mostly_right_sometimes_stale_or_wrong() -> None:
    crm = {r["source_id"] for r in read("data/crm/customers.csv")}
    refs = [r for s in ("psa", "erp") for r in read(f"data/{s}/customers.csv") if r["crm_id"]]
    stale = [r for r in refs if r["crm_id"] not in crm]
    live = [r for r in refs if r["crm_id"] in crm]
    wrong = [r for r in live if truth("customers")[("crm", r["crm_id"])] != _entity(r)]
    assert len(stale) >= 5
    assert len(wrong) >= 3
    assert len(live) - len(wrong) > 0.75 * len(refs)


def test_a_brand_registered_in_two_countries_is_two_customers_linked_to_a_parent() -> None:
    entities = read("truth/customer_entities.csv")
    subsidiaries = [e for e in entities if e["parent_entity_id"]]
    by_id = {e["entity_id"]: e for e in entities}
    abroad = [e for e in subsidiaries if by_id[e["parent_entity_id"]]["country"] != e["country"]]
    assert len(abroad) >= 5
    linked = [r for r in records("customers") if r["parent_source_id"]]
    assert len(linked) >= 10


def test_regional_labels_appear_on_names() -> None:
    labelled = [
        r
        for r in records("customers")
        if re.search(r"\u2013 | - (EMEA|APAC|Europe|EU|Americas|NA|LATAM|APJ)|\(", r["name"])
    ]
    assert len(labelled) >= 20


def test_accents_are_kept_dropped_or_transliterated_for_one_customer() -> None:
    mixed = [
        rows
        for rows in _by_entity("customers").values()
        if any(not r["name"].isascii() for r in rows) and any(r["name"].isascii() for r in rows)
    ]
    assert len(mixed) >= 10


def test_names_of_one_customer_differ_between_its_records() -> None:
    groups = [rows for rows in _by_entity("customers").values() if len(rows) > 1]
    differing = [rows for rows in groups if len({r["name"] for r in rows}) > 1]
    assert len(differing) > 0.6 * len(groups)


def test_tax_ids_go_missing_most_in_the_psa_and_least_in_the_erp() -> None:
    def missing(system: str) -> float:
        rows = read(f"data/{system}/customers.csv")
        return sum(1 for r in rows if not r["tax_id"]) / len(rows)

    assert missing("psa") > missing("crm") > missing("erp")


def test_contract_numbers_drift_between_systems() -> None:
    drifted = [
        rows
        for rows in _by_entity("contracts").values()
        if len({r["number"] for r in rows if r["number"]}) > 1
    ]
    assert len(drifted) >= 50


def test_project_codes_use_different_separators() -> None:
    codes = [r["code"] for r in records("projects") if r["code"]]
    assert any(re.fullmatch(r"PRJ-\d{4}-\d{4}", c) for c in codes)
    assert any(re.fullmatch(r"PRJ_\d{4}_\d{4}", c) for c in codes)
    assert any(re.fullmatch(r"PRJ \d+", c) for c in codes)


def test_dates_drift_by_a_day_between_systems() -> None:
    off_by_one = [
        rows
        for rows in _by_entity("contracts").values()
        if {abs((date.fromisoformat(a["start_date"]) - date.fromisoformat(b["start_date"])).days)
            for a, b in combinations(rows, 2)} & {1, 2}
    ]  # fmt: skip
    assert len(off_by_one) >= 20


def test_namesakes_share_a_brand_and_nothing_that_proves_them_one_company() -> None:
    clusters: dict[str, list[dict[str, str]]] = defaultdict(list)
    for e in read("truth/customer_entities.csv"):
        if e["kind"] == "namesake":
            clusters[e["cluster"]].append(e)
    assert len(clusters) >= 3
    for a, b in clusters.values():
        assert a["legal_name"].split()[0] == b["legal_name"].split()[0]
        assert a["tax_id"] != b["tax_id"]
        assert a["domain"] != b["domain"]
        assert not a["parent_entity_id"]
        assert not b["parent_entity_id"]


def test_renamed_customers_still_appear_under_their_old_brand() -> None:
    former = {e["entity_id"]: e["former_brand"] for e in read("truth/customer_entities.csv")}
    old_names = [
        r
        for r in records("customers")
        if former[_entity(r)] and former[_entity(r)].lower() in r["name"].lower()
    ]
    assert len(old_names) >= 3
