"""The sync orchestrator: quote-to-project and project-to-cash on resolved ids.

Each flow step is an idempotent job (mdm/jobs) with a deterministic idempotency key and a lock
key; the rows here (`models`) are the flows' memory: which deal became which project where,
which billing transaction became which invoice, and what needs a person (`sync_exception`).
"""
