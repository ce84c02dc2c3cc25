"""Properties of organisation-name standardization that hold for any input."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from matching.normalize import normalize_org_name
from matching.normalize.legal_forms import LEGAL_FORMS

_WORDS = st.sampled_from(
    [
        "acme",
        "the",
        "and",
        "&",
        "co",
        "company",
        "corp",
        "inc",
        "ltd",
        "gmbh",
        "uk",
        "emea",
        "of",
        "-",
        ",",
        "(",
        ")",
        "s.a.",
        "müller",
        "soehne",
        "aeg",
        "international",
        "intl",
        "services",
        "north",
        "america",
        "deutschland",
        "france",
        "pty",
        "a/s",
        "kabushiki",
        "kaisha",
        "pt",
        "st.",
        "i.l.",
        "d/b/a",
        "aeka",
        "t/a",
        "株式会社",
        "有限公司",
        "トヨタ",
        *(spellings.split(",")[0] for spellings, _ in LEGAL_FORMS.values()),
    ]
)
_NAMES = st.one_of(st.text(max_size=40), st.lists(_WORDS, max_size=7).map(" ".join))


@given(_NAMES)
@example("Telefunken AEG")
@example("The Company")
@example("Acme Company Co")
@example("Acme Aeka")
def test_normalizing_a_clean_name_again_changes_nothing(raw: str) -> None:
    org = normalize_org_name(raw)
    if org is not None:
        again = normalize_org_name(org.clean)
        assert again is not None
        assert again.clean == org.clean


@given(_NAMES)
def test_a_name_with_letters_never_loses_them_all(raw: str) -> None:
    org = normalize_org_name(raw)
    if any(ch.isalnum() for ch in raw):
        assert org is not None
    if org is not None:
        assert org.clean
        assert org.tokens == tuple(org.clean.split())
        assert org.clean == org.clean.strip()
