"""E.164 for the common ways of writing a phone number, answering exactly as `phonenumbers`.

`phonenumbers.parse` and `is_valid_number` cost some 40 µs a number, mostly in regular
expressions made for any input (extensions, vanity letters, RFC 3966, "Tel:" prefixes) and
in compiling the metadata's patterns again on every call. A number written with ASCII digits,
spaces, dots, dashes and brackets, after at most one "+", is read by the library from its
digits, the "+" and the region alone. `fast_e164` replays the library's steps for that case
(`parse`, `is_valid_number`, `is_possible_number`) against the same metadata, its patterns
compiled once, and answers `UNSURE` for anything else, which the caller reads with the library.
A short extension ("x12", "ext. 12") is dropped first, as the library drops it.
The steps mirror phonenumberutil.py function by function; tests compare both on every shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS, PhoneMetadata


class _Unsure(Enum):
    UNSURE = "unsure"


UNSURE = _Unsure.UNSURE
# One "+" at most, before the first digit; the punctuation the library ignores between digits.
_SHAPE = re.compile(r"[ ().\-]*(?:\+[ ().\-]*)?[0-9][0-9 ().\-]*")
# "… ext. 12", "… x12": the library strips such an extension and reads the number before it.
_EXTENSION = re.compile(r"(.*[0-9]) ?(?:[Ee][Xx][Tt]\.?|[Xx]) ?[0-9]{1,6}")
_NOT_DIGIT = re.compile(r"[^0-9]+")
_NON_GEO = "001"
_MAX_INPUT = 250  # the library's _MAX_INPUT_STRING_LENGTH
_MAX_NATIONAL = 17  # _MAX_LENGTH_FOR_NSN
_MAX_E164 = 15  # E.164's digits at most, country code included


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


@dataclass(frozen=True, slots=True)
class _Desc:
    """A PhoneNumberDesc: possible lengths (empty: any) and the national number pattern."""

    lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, desc: Any) -> _Desc:
        if desc is None:
            return cls((), (), None)
        pattern = _compiled(desc.national_number_pattern)
        return cls(tuple(desc.possible_length), tuple(desc.possible_length_local_only), pattern)

    def pattern_matches(self, number: str) -> bool:
        """_match_national_number(number, desc, False)."""
        return self.pattern is not None and self.pattern.fullmatch(number) is not None

    def matches(self, number: str) -> bool:
        """_is_number_matching_desc."""
        if self.lengths and len(number) not in self.lengths:
            return False
        return self.pattern_matches(number)


@dataclass(frozen=True, slots=True)
class _Plan:
    """One region's numbering-plan metadata with its patterns compiled."""

    country_code: int
    international_prefix: re.Pattern[str]
    national_prefix: re.Pattern[str] | None
    transform: str | None
    leading_digits: re.Pattern[str] | None
    general: _Desc
    # the types _number_type_helper tries after the general description (mobile only when its
    # pattern differs from the fixed line's), and per length the union of those allowing it
    types: tuple[_Desc, ...]
    by_length: dict[int, re.Pattern[str] | None]

    @classmethod
    def of(cls, meta: Any) -> _Plan:
        types = [
            meta.premium_rate,
            meta.toll_free,
            meta.shared_cost,
            meta.voip,
            meta.personal_number,
            meta.pager,
            meta.uan,
            meta.voicemail,
            meta.fixed_line,
        ]
        if not meta.same_mobile_and_fixed_line_pattern:
            types.append(meta.mobile)
        return cls(
            country_code=meta.country_code,
            # the library's stand-in when a region has no international prefix
            international_prefix=re.compile(
                "NonMatch" if meta.international_prefix is None else meta.international_prefix
            ),
            national_prefix=_compiled(meta.national_prefix_for_parsing),
            transform=meta.national_prefix_transform_rule,
            leading_digits=_compiled(meta.leading_digits),
            general=_Desc.of(meta.general_desc),
            types=tuple(d for d in map(_Desc.of, types) if d.pattern is not None),
            by_length={},
        )

    def _types_of_length(self, length: int) -> re.Pattern[str] | None:
        # a number matches one of the alternatives in full exactly when it matches the union
        if length not in self.by_length:
            patterns = [
                f"(?:{d.pattern.pattern})"
                for d in self.types
                if d.pattern is not None and (not d.lengths or length in d.lengths)
            ]
            self.by_length[length] = re.compile("|".join(patterns)) if patterns else None
        return self.by_length[length]

    def known_type(self, number: str) -> bool:
        """_number_type_helper(number, metadata) != UNKNOWN."""
        if not self.general.matches(number):
            return False
        union = self._types_of_length(len(number))
        return union is not None and union.fullmatch(number) is not None

    def length_check(self, number: str) -> str:
        """_test_number_length(number, metadata) for an unknown type."""
        possible, local = self.general.lengths, self.general.local_lengths
        length = len(number)
        if length in local:
            return "local_only"
        if possible[0] == length:
            return "possible"
        if possible[0] > length:
            return "too_short"
        if possible[-1] < length:
            return "too_long"
        return "possible" if length in possible[1:] else "invalid_length"

    def strip_national_prefix(self, number: str) -> str:
        """_maybe_strip_national_prefix_carrier_code(number, metadata)[1]."""
        if not number or self.national_prefix is None:
            return number
        match = self.national_prefix.match(number)
        if match is None:
            return number
        viable = self.general.pattern_matches(number)
        groups = match.groups()
        if not self.transform or groups[len(groups) - 1] is None:
            stripped = number[match.end() :]
        else:
            stripped = self.national_prefix.sub(self.transform, number, count=1)
        return number if viable and not self.general.pattern_matches(stripped) else stripped


@cache
def _region_plan(region: str) -> _Plan | None:
    """PhoneMetadata.metadata_for_region(region), compiled."""
    meta = PhoneMetadata.metadata_for_region(region, None)
    return None if meta is None else _Plan.of(meta)


@cache
def _plan(country_code: int, region: str) -> _Plan | None:
    """PhoneMetadata.metadata_for_region_or_calling_code(country_code, region), compiled."""
    if region != _NON_GEO:
        return _region_plan(region)
    meta = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
    return None if meta is None else _Plan.of(meta)


def _main_plan(country_code: int) -> _Plan | None:
    return _plan(country_code, COUNTRY_CODE_TO_REGION_CODE[country_code][0])


def _country_code(number: str) -> tuple[int, str]:
    """_extract_country_code: a known calling code of one to three digits, and the rest."""
    if not number or number[0] == "0":
        return 0, number
    for size in range(1, min(len(number), 3) + 1):
        if int(number[:size]) in COUNTRY_CODE_TO_REGION_CODE:
            return int(number[:size]), number[size:]
    return 0, number


def _with_default_country_code(digits: str, plan: _Plan) -> tuple[int, str]:
    """_maybe_extract_country_code for a national number: the region's own code written out."""
    code = str(plan.country_code)
    if digits.startswith(code):
        national = plan.strip_national_prefix(digits[len(code) :])
        if (
            not plan.general.pattern_matches(digits) and plan.general.pattern_matches(national)
        ) or plan.length_check(digits) == "too_long":
            return plan.country_code, national
    return 0, ""


def _international(digits: str, plan: _Plan | None, plus: bool) -> tuple[str, bool]:
    """_maybe_strip_i18n_prefix_and_normalize: the digits after "+" or the region's IDD."""
    if plus:
        return digits, True
    if plan is None:
        return digits, False
    match = plan.international_prefix.match(digits)
    # a calling code never starts with 0: then the "prefix" was part of the number
    if match is None or digits[match.end() : match.end() + 1] == "0":
        return digits, False
    return digits[match.end() :], True


def _parse(digits: str, plus: bool, region: str | None) -> tuple[int, str] | _Unsure | None:
    """phonenumbers.parse: (calling code, national significant number); None if it raises."""
    if not plus and region not in SUPPORTED_REGIONS:
        return None  # no region to read a national number in
    plan = None if region is None else _region_plan(region.upper())
    full, international = _international(digits, plan, plus)
    if international:
        if len(full) <= 2:
            return None
        code, national = _country_code(full)
        if code == 0:
            return UNSURE  # after "+" the library tries again without it
    elif plan is None:
        return UNSURE
    else:
        code, national = _with_default_country_code(full, plan)
    if code != 0:
        plan = _main_plan(code)
    elif plan is not None:
        code, national = plan.country_code, digits
    if len(national) < 2:
        return None
    if plan is None:
        return UNSURE
    stripped = plan.strip_national_prefix(national)
    # the prefix stays when what is left is too short to be a number of the region
    if plan.length_check(stripped) not in ("too_short", "local_only", "invalid_length"):
        national = stripped
    return None if len(national) > _MAX_NATIONAL else (code, national)


def _region_of(code: int, national: str) -> tuple[str | None, bool]:
    """region_code_for_number, and whether it was found by the number's type there."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code)
    if regions is None:
        return None, False
    if len(regions) == 1:
        return regions[0], False
    for region in regions:
        plan = _region_plan(region)
        if plan is None:
            continue
        if plan.leading_digits is not None:
            if plan.leading_digits.match(national):
                return region, False
        elif plan.known_type(national):
            return region, True
    return None, False


def _valid(code: int, national: str) -> bool:
    """is_valid_number."""
    region, typed = _region_of(code, national)
    if region is None:
        return False
    plan = _plan(code, region)  # the plan `_region_of` read for a geographic region
    if plan is None or (region != _NON_GEO and plan.country_code != code):
        return False
    return typed or plan.known_type(national)


def _plausible(code: int, national: str) -> bool:
    """matching.normalize.phones._plausible on a parsed number."""
    if len(national) > _MAX_E164 - len(str(code)):
        return False
    if _valid(code, national):
        return True
    plan = _main_plan(code)
    possible = plan is not None and plan.length_check(national) in ("possible", "local_only")
    return (
        possible and len(national) >= 7 and not national.startswith("0") and len(set(national)) > 1
    )


def fast_e164(text: str, region: str | None) -> str | _Unsure | None:
    """E.164 of `text` read in `region` (alpha-2), None when it is no number, or `UNSURE`."""
    if len(text) > _MAX_INPUT:
        return UNSURE
    if _SHAPE.fullmatch(text) is None:
        extension = _EXTENSION.fullmatch(text)
        if extension is None or _SHAPE.fullmatch(extension.group(1)) is None:
            return UNSURE
        text = extension.group(1)
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) < 3:  # two digits alone parse differently
        return UNSURE
    parsed = _parse(digits, "+" in text, region)
    if parsed is None or parsed is UNSURE:
        return parsed
    code, national = parsed
    return f"+{code}{national}" if _plausible(code, national) else None
