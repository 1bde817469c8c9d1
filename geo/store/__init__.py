"""Keeping results: the SQLite store, what ingest writes to it, the incident tables kept
up to date with every write, snapshots, background jobs and the Dask extraction."""
