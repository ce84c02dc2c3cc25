"""Source records: canonical model, mappings, idempotent ingest, quarantine."""
