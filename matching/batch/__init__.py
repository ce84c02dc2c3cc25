"""The batch path: the same answers as `matching.pipeline`, columnar and on every core, for
millions of records. Standardization runs once per distinct value, comparisons once per
distinct value pair."""
