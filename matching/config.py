"""Settings as data: one `MatchSettings` per entity type, round-tripping to JSON and YAML."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import yaml

Standardizer = Literal[
    "org_name",
    "person_name",
    "text",
    "country",
    "phone",
    "domain",
    "postcode",
    "street",
    "city",
    "tax_id",
    "identifier",
    "date",
    "number",
    "numbers_in_text",
]
BlockMethod = Literal["exact", "tokens", "prefix", "sorted_neighbourhood", "phonetic", "acronym"]
CompareKind = Literal["exact", "string", "name", "number", "date", "days", "edit"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A prepared feature: the first non-empty of `columns`, run through `standardizer`."""

    name: str
    columns: tuple[str, ...]
    standardizer: Standardizer


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """One way to find candidate pairs; keys shared by more than `max_block_size` are dropped."""

    field: str
    method: BlockMethod = "exact"
    max_block_size: int = 100
    # prefix length, sorted-neighbourhood window, or how many of a record's rarest tokens to use
    param: int = 0


@dataclass(frozen=True, slots=True)
class ComparisonSpec:
    """Ordered levels: null (weight 0), exact, similarity >= each threshold, else.

    For kind "days" (YYYYMMDD dates) the thresholds are the most days apart each level allows.
    """

    name: str
    field: str
    kind: CompareKind = "exact"
    thresholds: tuple[float, ...] = ()
    # comparisons in one group are correlated: only the strongest of their weights counts
    group: str | None = None
    # below this similarity (or at "else") a pair is never auto-linked, at most reviewed: for
    # organisations a shared phone, address or domain alone does not make the same customer
    link_floor: float | None = None
    # disagreement ("else") here is conflicting hard evidence: never in one cluster
    conflict_on_else: bool = False
    # most bits any level may add: EM on organisations takes a shared address for near proof,
    # but sister companies, serviced offices and registered agents share addresses too
    max_weight: float | None = None

    def vetoed_levels(self) -> tuple[int, ...]:
        """Levels that bar an auto-link under `link_floor` (never the null level)."""
        if self.link_floor is None:
            return ()
        fuzzy = tuple(k + 2 for k, t in enumerate(self.thresholds) if t < self.link_floor)
        return (*fuzzy, self.n_levels - 1)

    def level_labels(self) -> tuple[str, ...]:
        """Human-readable label of every level, in level order."""
        sign = "<=" if self.kind == "days" else ">="
        fuzzy = tuple(f"{sign}{t:g}" for t in self.thresholds)
        return ("null", "exact", *fuzzy, "else")

    @property
    def n_levels(self) -> int:
        """Number of levels including null and else."""
        return len(self.thresholds) + 3


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Match probability cut-offs: auto-link at or above `upper`, review from `lower`."""

    upper: float = 0.9
    lower: float = 0.5


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Non-chaining clustering: two groups merge only with enough linked pairs between them."""

    # mean match probability over all cross pairs (unscored pairs count 0) needed to merge
    min_support: float = 0.5
    # an edge from this probability may join two groups (when support holds); None: the
    # auto-link threshold. Lower lets a group of mutually likely records form although no
    # single pair is sure; the pairs themselves keep their own link/review decision
    join_threshold: float | None = None


@dataclass(frozen=True, slots=True)
class EMSettings:
    """Unsupervised estimation of m, u and the match prior."""

    max_iter: int = 50
    tolerance: float = 1e-5
    random_pairs: int = 100_000
    seed: int = 42


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Everything that configures one entity type's matching, as plain data."""

    entity_type: str
    fields: tuple[FieldSpec, ...]
    blocking: tuple[BlockingRule, ...]
    comparisons: tuple[ComparisonSpec, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    clustering: ClusterSettings = field(default_factory=ClusterSettings)
    em: EMSettings = field(default_factory=EMSettings)
    # deterministic rules: equal tax ids match; different ones in one country do not
    tax_id_field: str | None = None
    country_field: str | None = None
    # child entities only pair up inside the same resolved parent (e.g. customer golden id)
    parent_field: str | None = None
    # a name under its link floor may still auto-link when all of these comparisons agree
    # exactly: a renamed customer keeps its phone number and its web domain
    floor_lifted_by: tuple[str, ...] = ()
    # names that share a word but each keep one the other lacks ("acme bau" / "acme systeme")
    # are never auto-linked, whatever else agrees: sister companies share offices and phones
    divergent_name_field: str | None = None
    model_version: str = "1"

    def with_thresholds(self, upper: float, lower: float) -> MatchSettings:
        """A copy with other thresholds."""
        return replace(self, thresholds=Thresholds(upper=upper, lower=lower))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data."""
        return asdict(self)

    def to_json(self) -> str:
        """JSON text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def to_yaml(self) -> str:
        """YAML text."""
        return yaml.safe_dump(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchSettings:
        """Rebuild from `to_dict` output (lists become tuples)."""
        return cls(
            entity_type=data["entity_type"],
            fields=tuple(
                FieldSpec(f["name"], tuple(f["columns"]), f["standardizer"]) for f in data["fields"]
            ),
            blocking=tuple(BlockingRule(**b) for b in data["blocking"]),
            comparisons=tuple(
                ComparisonSpec(**{**c, "thresholds": tuple(c.get("thresholds", ()))})
                for c in data["comparisons"]
            ),
            thresholds=Thresholds(**data.get("thresholds", {})),
            clustering=ClusterSettings(**data.get("clustering", {})),
            em=EMSettings(**data.get("em", {})),
            tax_id_field=data.get("tax_id_field"),
            country_field=data.get("country_field"),
            parent_field=data.get("parent_field"),
            floor_lifted_by=tuple(data.get("floor_lifted_by", ())),
            divergent_name_field=data.get("divergent_name_field"),
            model_version=str(data.get("model_version", "1")),
        )

    @classmethod
    def from_json(cls, text: str) -> MatchSettings:
        """Parse JSON text."""
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_yaml(cls, text: str) -> MatchSettings:
        """Parse YAML text."""
        return cls.from_dict(yaml.safe_load(text))
