"""JSON columns written as text serialized here: the text json.dumps writes, with less work.

The columns' own serializer is json.dumps (no engine serializer is set). Resolve on ingest
writes a thousand event states and as many link explanations per batch; serializing them here
lets a statement hand the text over as is (`json_bind`) and lets an event's outbox row reuse it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, BindParameter, Dialect, TypeDecorator, bindparam

# json.dumps without what it does per call around the C encoder (checking its options,
# building the encoder), two thirds of its time on an event's state: the same encoder and
# options, but no check for circular data (plain values here), so no state kept between calls.
# c_make_encoder is CPython's private API (positional arguments, no promise they stay): it is
# built defensively and trusted only if it writes json.dumps's text for a sample of what the
# columns hold; otherwise `dumps` is json.dumps itself.
_SAMPLE: Any = {
    "name": 'Müller & Söhne "Bau" 𝄞\n',
    "nested": {"list": [1, 2.5, 1e-7, -0.0, 10**20, None, True, False], "empty": {}},
    "none": None,
    3: [[], {"x": "ü"}],
}


def _c_encoder() -> Any:
    """json.dumps's C encoder with its default options, or None where it can't be trusted."""
    try:
        encode = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
            None,  # no markers: no circular check
            json.JSONEncoder().default,  # raises TypeError for what JSON cannot hold
            json.encoder.encode_basestring_ascii,  # ensure_ascii
            None,  # no indent
            ": ",
            ", ",
            False,  # sort_keys
            False,  # skipkeys
            True,  # allow_nan
        )
        if "".join(encode(_SAMPLE, 0)) != json.dumps(_SAMPLE):
            return None
    except (AttributeError, TypeError):
        return None
    return encode


_ENCODE: Any = _c_encoder()


_STRING = json.encoder.encode_basestring_ascii  # what json.dumps writes a string with


def dumps(value: Any) -> str:
    """`json.dumps(value)`: the same text."""
    if value.__class__ is str:  # an outbox payload's ids and names: no encoder needed
        return _STRING(value)
    if _ENCODE is None:  # no trusted C encoder
        return json.dumps(value)
    return "".join(_ENCODE(value, 0))


class JsonText(TypeDecorator[str]):
    """A JSON column's value handed over as the JSON text it already is."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def json_bind(name: str) -> BindParameter[str]:
    """A parameter for a JSON column that takes the text `dumps` wrote."""
    return bindparam(name, type_=JsonText())
