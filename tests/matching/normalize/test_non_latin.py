"""Names in scripts without a transliteration table."""

from __future__ import annotations

import pytest

from matching.normalize.non_latin import non_latin_words


@pytest.mark.parametrize(
    ("raw", "words", "legal_form"),
    [
        ("トヨタ自動車株式会社", ["トヨタ自動車"], "co_ltd"),
        ("株式会社 トヨタ", ["トヨタ"], "co_ltd"),
        ("(株)トヨタ", ["トヨタ"], "co_ltd"),
        ("合同会社 サクラ", ["サクラ"], "llc"),
        ("华为技术有限公司", ["华为技术"], "co_ltd"),
        ("삼성전자 주식회사", ["삼성전자"], "corp"),
        ("شركة أرامكو", ["شركة", "أرامكو"], None),
        ("株式会社", ["株式会社"], None),
        ("!!!", [], None),
    ],
)
def test_non_latin_words_truth_table(raw: str, words: list[str], legal_form: str | None) -> None:
    assert non_latin_words(raw) == (words, legal_form)
