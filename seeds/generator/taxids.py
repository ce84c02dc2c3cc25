"""Tax and VAT ids in each country's real shape, with the real check digits where one exists."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Final

_B36: Final = string.digits + string.ascii_uppercase
# GSTIN state codes for the regions the Indian cities sit in.
_GST_STATE: Final[dict[str, str]] = {
    "MH": "27",
    "KA": "29",
    "DL": "07",
    "TG": "36",
    "TN": "33",
}


def _digits(rng: random.Random, n: int, first_nonzero: bool = True) -> list[int]:
    out = [rng.randrange(10) for _ in range(n)]
    if first_nonzero and out[0] == 0:
        out[0] = rng.randrange(1, 10)
    return out


def _join(ds: list[int]) -> str:
    return "".join(map(str, ds))


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes `payload + digit` valid."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counted from the check digit's left neighbour
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def abn_is_valid(abn: str) -> bool:
    """Australian Business Number checksum: weighted sum (first digit minus one) mod 89."""
    ds = [int(c) for c in abn if c.isdigit()]
    if len(ds) != 11:
        return False
    ds[0] -= 1
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    return sum(d * w for d, w in zip(ds, weights, strict=True)) % 89 == 0


def gb_vat_is_valid(vat: str) -> bool:
    """UK VAT mod-97 check (both the old and the 2010 "+55" scheme)."""
    ds = [int(c) for c in vat if c.isdigit()]
    if len(ds) != 9:
        return False
    total = sum(d * w for d, w in zip(ds[:7], range(8, 1, -1), strict=True))
    check = ds[7] * 10 + ds[8]
    return (total + check) % 97 == 0 or (total + check + 55) % 97 == 0


def gstin_check_char(first14: str) -> str:
    """GSTIN check character: Luhn mod 36 over the first fourteen characters."""
    total = 0
    for i, ch in enumerate(first14):
        p = _B36.index(ch) * (2 if i % 2 else 1)
        total += p // 36 + p % 36
    return _B36[(36 - total % 36) % 36]


def _us(rng: random.Random, region: str) -> str:
    prefix = rng.choice((13, 20, 26, 27, 45, 46, 47, 81, 82, 83, 84, 85, 86, 87, 88, 91, 94))
    return f"{prefix:02d}-{_join(_digits(rng, 7, False))}"


def _ca(rng: random.Random, region: str) -> str:
    body = _join(_digits(rng, 8))
    return f"{body}{luhn_check_digit(body)}RT0001"


def _br(rng: random.Random, region: str) -> str:
    ds = [*_digits(rng, 8), 0, 0, 0, 1]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        r = sum(d * w for d, w in zip(ds, weights, strict=True)) % 11
        ds.append(0 if r < 2 else 11 - r)
    s = _join(ds)
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def _gb(rng: random.Random, region: str) -> str:
    ds = _digits(rng, 7)
    total = sum(d * w for d, w in zip(ds, range(8, 1, -1), strict=True))
    check = -total % 97
    s = _join(ds) + f"{check:02d}"
    return f"GB{s[:3]} {s[3:7]} {s[7:]}"


def _de(rng: random.Random, region: str) -> str:
    ds = _digits(rng, 8)
    product = 10
    for d in ds:
        s = (d + product) % 10 or 10
        product = (2 * s) % 11
    check = (11 - product) % 10
    return f"DE{_join(ds)}{check}"


def _fr(rng: random.Random, region: str) -> str:
    body = _join(_digits(rng, 8))
    siren = f"{body}{luhn_check_digit(body)}"
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _nl(rng: random.Random, region: str) -> str:
    while True:
        ds = _digits(rng, 8)
        check = sum(d * w for d, w in zip(ds, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return f"NL{_join(ds)}{check}B01"


def _ch(rng: random.Random, region: str) -> str:
    while True:
        ds = _digits(rng, 8)
        r = 11 - sum(d * w for d, w in zip(ds, (5, 4, 3, 2, 7, 6, 5, 4), strict=True)) % 11
        if r != 10:
            s = _join(ds) + str(r % 11)
            return f"CHE-{s[:3]}.{s[3:6]}.{s[6:]} MWST"


def _es(rng: random.Random, region: str) -> str:
    ds = _digits(rng, 7, False)
    odd = sum(sum(divmod(d * 2, 10)) for d in ds[0::2])
    check = (10 - (odd + sum(ds[1::2])) % 10) % 10
    return f"ES{rng.choice('AB')}{_join(ds)}{check}"


def _it(rng: random.Random, region: str) -> str:
    ds = [*_digits(rng, 7), 0, 0, rng.randrange(1, 10)]
    body = _join(ds)
    return f"IT{body}{luhn_check_digit(body)}"


def _se(rng: random.Random, region: str) -> str:
    body = "55" + _join(_digits(rng, 7, False))
    return f"SE{body}{luhn_check_digit(body)}01"


def _au(rng: random.Random, region: str) -> str:
    tail = _digits(rng, 9, False)
    weights = (3, 5, 7, 9, 11, 13, 15, 17, 19)
    rest = sum(d * w for d, w in zip(tail, weights, strict=True))
    # 10*(d0-1) + d1 covers 0..89, so exactly one leading pair closes the sum to 0 mod 89.
    lead = next(x for x in range(90) if (x + rest) % 89 == 0)
    s = f"{lead // 10 + 1}{lead % 10}{_join(tail)}"
    return f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"


def _in(rng: random.Random, region: str) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    pan = f"{letters}C{rng.choice(string.ascii_uppercase)}{_join(_digits(rng, 4))}"
    pan += rng.choice(string.ascii_uppercase)
    first14 = f"{_GST_STATE.get(region, '27')}{pan}1Z"
    return first14 + gstin_check_char(first14)


def _sg(rng: random.Random, region: str) -> str:
    # UEN of a local company: year of incorporation, five digits, a letter (checksum not public).
    return f"{rng.randrange(1995, 2024)}{_join(_digits(rng, 5, False))}{rng.choice('CDEGHKMNRWZ')}"


def _jp(rng: random.Random, region: str) -> str:
    base = _digits(rng, 12)
    total = sum(d * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base)))
    return f"T{9 - total % 9}{_join(base)}"


GENERATORS: Final[dict[str, Callable[[random.Random, str], str]]] = {
    "US": _us,
    "CA": _ca,
    "BR": _br,
    "GB": _gb,
    "DE": _de,
    "FR": _fr,
    "NL": _nl,
    "CH": _ch,
    "ES": _es,
    "IT": _it,
    "SE": _se,
    "AU": _au,
    "IN": _in,
    "SG": _sg,
    "JP": _jp,
}


def tax_id(rng: random.Random, country: str, region: str) -> str:
    """A fresh, well-formed tax id for a company in `country` (GSTIN needs the state)."""
    return GENERATORS[country](rng, region)
