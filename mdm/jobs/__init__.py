"""The hub's durable job queue: at-least-once jobs in the hub's own database.

`models` holds the tables, `tasks` the registry and retry strategy, `store` the SQL that
enqueues, claims, acknowledges and replays, and `worker` the loop that runs jobs.
"""
