"""Resolution: turn source records into golden records with the `matching` engine."""
