"""Settings are data: every preset round-trips through JSON and YAML unchanged."""

from __future__ import annotations

import pytest

from matching.config import ComparisonSpec, MatchSettings
from matching.presets import PRESETS, default_model, preset


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_round_trips_through_json(name: str) -> None:
    settings = preset(name)
    assert MatchSettings.from_json(settings.to_json()) == settings


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_round_trips_through_yaml(name: str) -> None:
    settings = preset(name)
    assert MatchSettings.from_yaml(settings.to_yaml()) == settings


def test_changed_thresholds_survive_the_round_trip() -> None:
    settings = preset("customers").with_thresholds(upper=0.97, lower=0.4)
    loaded = MatchSettings.from_yaml(settings.to_yaml())
    assert (loaded.thresholds.upper, loaded.thresholds.lower) == (0.97, 0.4)


def test_unknown_preset_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="customers"):
        preset("suppliers")


@pytest.mark.parametrize("name", ["projects", "contracts"])
def test_child_entities_are_matched_inside_their_parent(name: str) -> None:
    assert preset(name).parent_field == "parent_key"


def test_every_comparison_and_blocking_rule_names_a_prepared_field() -> None:
    for name in PRESETS:
        settings = preset(name)
        fields = {f.name for f in settings.fields} | {
            f"{f.name}_legal_form" for f in settings.fields
        }
        assert {c.field for c in settings.comparisons} <= fields
        assert {b.field for b in settings.blocking} <= fields


@pytest.mark.parametrize(
    ("floor", "vetoed"),
    [(None, ()), (0.3, (4,)), (0.6, (3, 4)), (0.95, (2, 3, 4))],
)
def test_link_floor_vetoes_looser_levels_and_else_but_never_null(
    floor: float | None, vetoed: tuple[int, ...]
) -> None:
    spec = ComparisonSpec("name", "name", "name", (0.9, 0.5), link_floor=floor)
    assert spec.vetoed_levels() == vetoed


@pytest.mark.parametrize("name", ["customers", "projects", "contracts"])
def test_each_hub_preset_ships_default_weights_for_its_comparisons(name: str) -> None:
    model = default_model(name)
    assert model is not None
    settings = preset(name)
    assert model.comparisons == tuple(c.name for c in settings.comparisons)
    assert [len(m) for m in model.m] == [c.n_levels for c in settings.comparisons]
    assert 0 < model.prior < 1


def test_a_preset_without_default_weights_says_none_and_an_unknown_one_fails() -> None:
    assert default_model("people") is None
    with pytest.raises(ValueError, match="unknown preset"):
        default_model("planets")
