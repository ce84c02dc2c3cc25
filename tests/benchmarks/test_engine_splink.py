"""The Splink set-up's column cleaning and its best-threshold sweep (pure; Splink not needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.benchmarks.engine_splink import (
    best_f1,
    countries,
    domains,
    identifiers,
    org_names,
    phones,
    tax_ids,
)


def _one(values: pd.Series) -> object:
    return values.iloc[0]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Edelweiss Privatbank A.G.", "edelweiss privatbank"),
        ("Dalantica Meccanica Corporation LLC", "dalantica meccanica"),
        ("Breaquest Property Group Pty Ltd", "breaquest property group"),
        ("Torwen GmbH & Co. KG", "torwen"),
        ("Solwen Gesellschaft mit beschränkter Haftung", "solwen"),
        ("KORESPHERE LABS INC. (U.S.A.)", "koresphere labs"),
        ("Halilux K.K. \u2013 Yokohama", "halilux"),
        ("Orarolux Indústria S/A", "orarolux industria"),
        ("Kabushiki Kaisha Halvemont", "halvemont"),
        # the first word is the name even when it spells a legal form
        ("AG", "ag"),
        ("Co-Op Foods", "co op foods"),
        ("", None),
    ],
)
def test_org_names_drop_labels_and_trailing_legal_forms(raw: str, clean: str | None) -> None:
    assert _one(org_names(pd.Series([raw]))) == clean


@pytest.mark.parametrize(
    ("raw", "code"),
    [("U.S.A.", "US"), ("Great Britain", "GB"), ("République française", "FR"), ("CH", "CH")],
)
def test_countries_map_common_spellings(raw: str, code: str) -> None:
    assert _one(countries(pd.Series([raw]))) == code


def test_countries_leave_unknown_spellings_unknown() -> None:
    assert pd.isna(_one(countries(pd.Series(["Atlantis"]))))


@pytest.mark.parametrize(
    "raw", ["+41 21 944 5275", "021 944 5275", "+41 (0)21 944 5275", "0041 21 944 5275 ext. 12"]
)
def test_phones_agree_across_national_and_international_forms(raw: str) -> None:
    assert _one(phones(pd.Series([raw]))) == "219445275"


def test_phones_too_short_or_blank_are_none() -> None:
    assert phones(pd.Series(["12 34", "", None])).isna().all()


def test_domains_prefer_the_website_and_skip_free_mail() -> None:
    website = pd.Series(["https://www.Faladex.ca/home", "", "", ""])
    email = pd.Series(["a@other.ca", "ap@rosaris.ch", "mnovak@gmail.com", "nobody"])
    assert domains(website, email).tolist() == ["faladex.ca", "rosaris.ch", None, None]


def test_identifiers_keep_letters_and_digits_and_the_zip() -> None:
    raw = pd.Series(["CHE-773.630.235 MWST", "94191-9465", "SE1 7YP", "12"])
    assert identifiers(raw).tolist() == ["CHE773630235MWST", "94191", "SE17YP", None]


def test_tax_ids_agree_with_and_without_country_prefix() -> None:
    raw = pd.Series(["DE810032359", "810032359", "ESB03433133", "27QTGCS4941M1ZC"])
    assert tax_ids(raw).tolist() == ["810032359", "810032359", "B03433133", "27QTGCS4941M1ZC"]


def test_best_f1_picks_the_best_cut() -> None:
    prob = np.array([0.99, 0.95, 0.6, 0.4, 0.2])
    same = np.array([True, True, False, True, False])
    # true pairs 4 (one never compared): cut 0.9 -> P 1, R 0.5; cut 0.3 -> P 0.75, R 0.75
    cuts = np.array([0.9, 0.5, 0.3, 0.1])
    assert best_f1(prob, same, 4.0, cuts) == pytest.approx(0.75)


def test_best_f1_is_zero_without_pairs_or_truth() -> None:
    assert best_f1(np.array([]), np.array([], dtype=bool), 3.0, np.array([0.5])) == 0.0
    assert best_f1(np.array([0.9]), np.array([False]), 0.0, np.array([0.5])) == 0.0


def test_best_f1_matches_scoring_each_cut_directly() -> None:
    rng = np.random.default_rng(7)
    prob = rng.random(500).round(2)
    same = rng.random(500) < prob
    cuts = np.linspace(0.0, 1.0, 41)
    true_pairs = float(same.sum() + 30)
    direct = []
    for cut in cuts:
        kept = prob >= cut
        hits = float(same[kept].sum())
        precision = hits / kept.sum() if kept.any() else 0.0
        recall = hits / true_pairs
        direct.append(2 * precision * recall / (precision + recall) if hits else 0.0)
    assert best_f1(prob, same, true_pairs, cuts) == pytest.approx(max(direct))
