"""How the same contract or project drifts between systems: numbers, codes, dates, amounts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from seeds.generator.noise import chance

# The hub's demo data is "as of" this day; nothing reads the clock.
AS_OF: Final = date(2025, 11, 1)
# Rough USD exchange rates, so a project in yen or rupees has a believable size.
FX_PER_USD: Final[dict[str, float]] = {
    "USD": 1.0, "CAD": 1.36, "BRL": 5.0, "GBP": 0.79, "EUR": 0.92, "CHF": 0.88, "SEK": 10.5,
    "AUD": 1.5, "INR": 83.0, "SGD": 1.34, "JPY": 150.0,
}  # fmt: skip
_TERMS_SPELLINGS: Final[dict[str, tuple[str, ...]]] = {
    "Net 30": ("Net 30", "NET30", "30 days", "Net 30 days", "N30"),
    "Net 45": ("Net 45", "NET45", "45 days", "Net 45 days"),
    "Net 60": ("Net 60", "NET60", "60 days net", "Net 60 days"),
    "Due on receipt": ("Due on receipt", "Due upon receipt", "Immediate", "0 days"),
    "30 days EOM": ("30 days EOM", "EOM + 30", "Net 30 EOM"),
}


def iso(d: date | None) -> str:
    """ISO date or empty."""
    return d.isoformat() if d else ""


def shifted(rng: random.Random, d: date | None, p: float) -> str:
    """The date, with probability p one day off (time zones, "signed" versus "effective")."""
    if d is None:
        return ""
    if chance(rng, p):
        d += timedelta(days=rng.choice((-1, 1)))
    return d.isoformat()


def money(amount: float) -> str:
    """Two decimals, no grouping."""
    return f"{amount:.2f}"


def drifted_amount(rng: random.Random, amount: float | None, p_round: float) -> str:
    """The amount, sometimes rounded to thousands as someone retyped it from a slide."""
    if amount is None:
        return ""
    if chance(rng, p_round):
        return money(round(amount, -3) or amount)
    return money(amount)


def contract_number(rng: random.Random, kind: str, year: int, seq: int, sub: int) -> str:
    """A contract number as one system holds it: mostly the firm's own, else a local spelling."""
    if chance(rng, 0.55):
        return canonical_contract_number(kind, year, seq, sub)
    if kind == "MSA":
        options = [f"MSA {seq}", f"MSA-{year}-{seq}", f"MSA{year}/{seq:04d}", f"MSA {year}-{seq}"]
    elif kind == "SOW":
        options = [f"SOW {seq}", f"SOW-{seq}", f"SOW{year}-{seq:03d}", f"SOW_{year}_{seq:03d}"]
        options += [f"sow-{year}-{seq:03d}", f"SOW #{seq}"]
    else:
        options = [f"CO{sub} SOW-{year}-{seq:03d}", f"CO-{seq}-{sub}", f"Change Order {sub}"]
        options += [f"SOW-{year}-{seq:03d} CO#{sub}"]
    return rng.choice(options)


def canonical_contract_number(kind: str, year: int, seq: int, sub: int) -> str:
    """The firm's own number for a contract."""
    if kind == "MSA":
        return f"MSA-{year}-{seq:04d}"
    if kind == "SOW":
        return f"SOW-{year}-{seq:03d}"
    return f"CO-{year}-{seq:03d}-{sub:02d}"


def project_code(rng: random.Random, code: str, p_keep: float) -> str:
    """`PRJ-2024-0117` as `PRJ 117`, `PRJ_2024_0117`, `PRJ20240117` or `2024-0117`."""
    if chance(rng, p_keep):
        return code
    prefix, year, seq = code.split("-")
    return rng.choice(
        (
            f"{prefix} {int(seq)}",
            f"{prefix}_{year}_{seq}",
            f"{prefix}{year}{seq}",
            f"{year}-{seq}",
            f"{prefix}-{int(seq)}",
            code.lower(),
        )
    )


def billing_terms(rng: random.Random, terms: str, p_keep: float) -> str:
    """Payment terms in one of their common spellings."""
    return terms if chance(rng, p_keep) else rng.choice(_TERMS_SPELLINGS[terms])


def short_sf_id(rng: random.Random, sf_id: str) -> str:
    """A Salesforce id as another system keeps it: 18 chars, the 15-char form, or nothing."""
    roll = rng.random()
    if roll < 0.7:
        return sf_id
    return sf_id[:15] if roll < 0.85 else ""
