"""Incremental matching: an index of records answering one record at a time like `dedupe`."""

from matching.index.match_index import MatchIndex
from matching.index.scoring import Decision

__all__ = ["Decision", "MatchIndex"]
