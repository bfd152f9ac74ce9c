"""Storage: the only package that knows SQL. One SQLite file in WAL mode."""
