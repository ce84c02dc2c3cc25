"""Who is calling and what they may see: API keys, JWTs, scopes and field masking."""
