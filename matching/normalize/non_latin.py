"""Names in scripts without a transliteration table (CJK, Arabic, Hebrew…): kept as written."""

from __future__ import annotations

import re
import unicodedata

# Legal forms written in CJK scripts, before or after the name, without spaces.
_CJK_FORMS = {
    "股份有限公司": "co_ltd",
    "有限责任公司": "co_ltd",
    "有限責任公司": "co_ltd",
    "有限公司": "co_ltd",
    "株式会社": "co_ltd",
    "有限会社": "co_ltd",
    "合同会社": "llc",
    "주식회사": "corp",
    "유한회사": "llc",
}


def _strip_cjk_form(text: str) -> tuple[str, str | None]:
    found: str | None = None
    while True:
        candidates = (
            (stripped, code)
            for form, code in _CJK_FORMS.items()
            for stripped in (text.removeprefix(form).strip(), text.removesuffix(form).strip())
            if stripped and stripped != text
        )
        step = next(candidates, None)
        if step is None:
            return text, found
        text, found = step[0], found or step[1]


def non_latin_words(raw: str) -> tuple[list[str], str | None]:
    """Casefolded words of a name in a script without transliteration, and its legal form."""
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("(株)", "株式会社").replace("(주)", "주식회사")
    text = " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())
    if not text:
        return [], None
    text, legal_form = _strip_cjk_form(text)
    return text.split(), legal_form
