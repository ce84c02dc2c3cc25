"""CSV exports of the cross-reference and the golden records."""
