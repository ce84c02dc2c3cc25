"""`mdm.jsontext.dumps` writes the text json.dumps writes, with or without the C encoder."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mdm import jsontext
from mdm.golden.models import GoldenStatus
from mdm.jsontext import dumps

VALUES = [
    {"a": "Müller 𝄞", "b": None, "c": [1, 2.5, 1e-7, float("nan"), float("inf"), True]},
    {"nested": {"x": '"\\\n\x00\t', "empty": {}, "list": []}, 3: "int key"},
    "plain",
    'Düsseldorf "Süd" \\ 𝄞\n',
    GoldenStatus.ACTIVE,
    None,
    [0.1, -0.0, 10**20],
]


@pytest.fixture(params=["c encoder", "json.dumps"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with the C encoder built at import and with the json.dumps fallback."""
    if request.param == "json.dumps":
        monkeypatch.setattr(jsontext, "_ENCODE", None)
    return str(request.param)


def test_the_c_encoder_is_trusted_on_cpython() -> None:
    assert jsontext._ENCODE is not None


@pytest.mark.parametrize("value", VALUES)
def test_the_text_is_what_json_dumps_writes(encoder: str, value: Any) -> None:
    assert dumps(value) == json.dumps(value)


def test_what_json_cannot_hold_is_refused(encoder: str) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"when": object()})


@pytest.mark.parametrize("missing", ["none", "absent"])
def test_an_encoder_that_cannot_be_built_is_not_used(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if missing == "none":  # what json.encoder holds where _json is not there
        monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    else:
        monkeypatch.delattr(json.encoder, "c_make_encoder")
    assert jsontext._c_encoder() is None


def test_an_encoder_that_writes_other_text_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    real = json.encoder.c_make_encoder  # type: ignore[attr-defined]

    def reordered(*args: Any) -> Any:
        # a later CPython reading the separators in another order; json.dumps (which passes
        # markers) still gets its own
        markers, default, string, indent, key_separator, item_separator, *rest = args
        if markers is None:
            key_separator, item_separator = item_separator, key_separator
        return real(markers, default, string, indent, key_separator, item_separator, *rest)

    monkeypatch.setattr(json.encoder, "c_make_encoder", reordered)
    assert jsontext._c_encoder() is None
