"""Golden records: stable ids, redirects for merged-away ids, and the records behind them."""
